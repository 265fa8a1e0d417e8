using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Npgsql;
using WebhookDispatcher.Bench.Hosting;
using WebhookDispatcher.Tests.Infrastructure;

namespace WebhookDispatcher.Tests.Engine;

/// <summary>
/// Retention on real processes, with a period of seconds: finished events go with their deliveries and attempts,
/// an event still pending stays, and an idempotency key is remembered only as long as its event.
/// </summary>
public sealed class RetentionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task FinishedEventsOlderThanThePeriod_AreRemoved_WhileAPendingOneStays()
    {
        await using var run = await AppHostRun.CreateAsync(["--receiver-failure-rate", "0", "--receiver-hang-rate", "0"]);
        run.Builder.CreateResourceBuilder<ProjectResource>("worker")
            .WithEnvironment("Retention__Period", "00:00:03")
            .WithEnvironment("Retention__Interval", "00:00:01")
            .WithEnvironment("Retention__BatchSize", "7");
        var app = await run.StartAsync();
        using var api = app.CreateHttpClient("api");
        using var receiver = app.CreateHttpClient("mockreceiver");
        var webhooks = (await app.GetConnectionStringAsync("webhooks"))!;

        // One merchant's endpoint keeps failing, so its delivery stays pending (retried after 2 s, 4 s, 8 s, …).
        var failing = new Uri(app.GetEndpoint("mockreceiver", "http"), "/respond/500");
        using (var registered = await api.PostAsJsonAsync("/merchants/merchant_failing/endpoints", new { url = failing }))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }
        var pending = await PostAsync(api, new { merchantId = "merchant_failing", type = "payment.succeeded", data = new { } });
        var finished = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            finished.Add(await PostAsync(api, new { merchantId = "merchant_retained", type = "payment.succeeded", data = new { i }, idempotencyKey = $"order-{i}" }));
        }

        await EngineAppFixture.EventuallyAsync(async () => await ScalarAsync(webhooks, "SELECT count(*) FROM events WHERE merchant_id = 'merchant_retained'") == 0,
            "the 20 delivered events are removed", Patience);
        Assert.Equal(0L, await ScalarAsync(webhooks, "SELECT count(*) FROM deliveries d LEFT JOIN events e ON e.id = d.event_id WHERE e.id IS NULL"));
        Assert.Equal(0L, await ScalarAsync(webhooks, "SELECT count(*) FROM delivery_attempts a LEFT JOIN deliveries d ON d.id = a.delivery_id WHERE d.id IS NULL"));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/events/{finished[0]}")).StatusCode);

        // Still pending well past the period: kept, with its delivery.
        Assert.Equal(1L, await ScalarAsync(webhooks, $"SELECT count(*) FROM events WHERE id = '{pending}'"));
        Assert.Equal("pending", (await StatusAsync(api, pending)));

        // The idempotency key went with its event: the same key now makes a new event.
        var again = await PostAsync(api, new { merchantId = "merchant_retained", type = "payment.succeeded", data = new { i = 0 }, idempotencyKey = "order-0" });
        Assert.NotEqual(finished[0], again);
    }

    private static async Task<Guid> PostAsync(HttpClient api, object body)
    {
        using var response = await api.PostAsJsonAsync("/events", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("id").GetGuid();
    }

    private static async Task<string?> StatusAsync(HttpClient api, Guid id)
    {
        using var status = await api.GetFromJsonAsync<JsonDocument>($"/status/{id}");
        return status!.RootElement.GetProperty("status").GetString();
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

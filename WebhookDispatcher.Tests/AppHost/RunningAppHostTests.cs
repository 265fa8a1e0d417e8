using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Npgsql;
using StackExchange.Redis;
using WebhookDispatcher.Bench.Hosting;
using WebhookDispatcher.Tests.Infrastructure;

namespace WebhookDispatcher.Tests.AppHost;

/// <summary>
/// The AppHost's model running on this machine's own PostgreSQL and Redis binaries, as `dotnet run` starts it here:
/// every resource healthy, the generated passwords in the connection strings the services get, our resource
/// commands doing what they say, and data kept from one run to the next.
/// </summary>
public sealed class RunningAppHostTests
{
    [Fact]
    public async Task EveryResourceIsHealthy_TheServicesAnswerAliveAndHealth_AndTheConnectionStringsCarryTheirPasswords()
    {
        await using var run = await AppHostRun.CreateAsync(["--receiver-failure-rate", "0", "--receiver-hang-rate", "0"]);
        var app = await run.StartAsync();

        foreach (var service in new[] { "api", "worker", "mockreceiver", "console" })
        {
            using var http = app.CreateHttpClient(service);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/alive")).StatusCode);
            using var health = await http.GetAsync("/health");
            Assert.True(health.StatusCode == HttpStatusCode.OK, $"{service} /health: {await health.Content.ReadAsStringAsync()}");
        }

        var webhooks = await app.GetConnectionStringAsync("webhooks");
        Assert.Contains("Password=", webhooks);
        await using (var connection = new NpgsqlConnection(webhooks))
        {
            await connection.OpenAsync();
            Assert.Equal("webhooks", connection.Database);
        }
        var redis = await app.GetConnectionStringAsync("redis");
        Assert.Contains("password=", redis);
        await using (var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis!))
        {
            Assert.True(multiplexer.IsConnected);
        }
        // Without the password, Redis refuses.
        var options = ConfigurationOptions.Parse(redis!);
        options.Password = null;
        options.AbortOnConnectFail = false;
        await using (var anonymous = await ConnectionMultiplexer.ConnectAsync(options))
        {
            await Assert.ThrowsAnyAsync<RedisException>(() => anonymous.GetDatabase().PingAsync());
        }
    }

    [Fact]
    public async Task TheResourceCommands_ResetTheReceiver_TurnItsChaosOnAndOff_AndRetryDeadDeliveries()
    {
        await using var run = await AppHostRun.CreateAsync(["--receiver-failure-rate", "0", "--receiver-hang-rate", "0"]);
        var app = await run.StartAsync();
        using var api = app.CreateHttpClient("api");
        using var receiver = app.CreateHttpClient("mockreceiver");

        using (var posted = await api.PostAsJsonAsync("/events", new { merchantId = "merchant_cmd", amount = 4999, currency = "INR", transactionId = "txn_cmd" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        }
        await EngineAppFixture.EventuallyAsync(async () => await ReceivedAsync(receiver) > 0, "the receiver got the event", TimeSpan.FromSeconds(90));

        var mockreceiver = run.Resources.Single("mockreceiver");
        await run.Resources.ExecuteCommandAsync(mockreceiver, "reset-stats");
        Assert.Equal(0, await ReceivedAsync(receiver));

        await run.Resources.ExecuteCommandAsync(mockreceiver, "chaos-on");
        using (var config = await receiver.GetFromJsonAsync<JsonDocument>("/config"))
        {
            Assert.Equal(0.4, config!.RootElement.GetProperty("failureRate").GetDouble());
        }
        await run.Resources.ExecuteCommandAsync(mockreceiver, "chaos-off");
        using (var config = await receiver.GetFromJsonAsync<JsonDocument>("/config"))
        {
            Assert.Equal(0, config!.RootElement.GetProperty("failureRate").GetDouble());
            Assert.Equal(0, config.RootElement.GetProperty("hangRate").GetDouble());
        }

        // Nothing is dead, so the retry command succeeds and retries nothing.
        await run.Resources.ExecuteCommandAsync(run.Resources.Single("api"), "retry-dead");
    }

    [Fact]
    public async Task EventsAcceptedInOneRun_AreThereInTheNext_OnTheSameDataDirectory()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("webhook-dispatcher-kept-").FullName;
        try
        {
            Guid id;
            await using (var first = await AppHostRun.CreateAsync(["--data-dir", dataDirectory]))
            {
                var app = await first.StartAsync();
                using var api = app.CreateHttpClient("api");
                using var posted = await api.PostAsJsonAsync("/events", new { merchantId = "merchant_kept", type = "payment.succeeded", data = new { kept = true } });
                Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
                using var body = JsonDocument.Parse(await posted.Content.ReadAsStringAsync());
                id = body.RootElement.GetProperty("id").GetGuid();
            }

            await using (var second = await AppHostRun.CreateAsync(["--data-dir", dataDirectory]))
            {
                var app = await second.StartAsync();
                using var api = app.CreateHttpClient("api");
                using var kept = await api.GetAsync($"/events/{id}");
                Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
            }
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task<long> ReceivedAsync(HttpClient receiver)
    {
        using var stats = await receiver.GetFromJsonAsync<JsonDocument>("/stats");
        return stats!.RootElement.GetProperty("received").GetInt64();
    }
}

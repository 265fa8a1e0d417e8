using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebhookDispatcher.Tests.Infrastructure;

namespace WebhookDispatcher.Tests.Engine;

/// <summary>
/// POST /deliveries/retry: every dead delivery matching a filter goes back to pending with a fresh budget, a page
/// at a time, and is delivered once the merchant is back. A repeat retries nothing twice; a bad filter is a 400.
/// </summary>
[Collection(EngineAppCollection.Name)]
public sealed class BulkRetryTests(EngineAppFixture app) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    public async Task InitializeAsync() => await app.SetReceiverChaosAsync(0, 0);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task AThousandDeadDeliveries_AreRetriedByFilter_OnceEach_AndDelivered()
    {
        const string Merchant = "merchant_bulk";
        // The merchant's server answers 500 to everything: each delivery spends its attempts and goes dead.
        var endpointId = await RegisterEndpointAsync(Merchant, new Uri(app.ReceiverUrl, "/respond/500"));
        var events = Enumerable.Range(0, 1000).Select(i => new { merchantId = Merchant, type = "payment.succeeded", data = new { i } });
        using (var batch = await app.Api.PostAsJsonAsync("/events/batch", new { events }))
        {
            Assert.Equal(HttpStatusCode.Accepted, batch.StatusCode);
        }
        await EngineAppFixture.EventuallyAsync(async () => await CountAsync(Merchant, "dead") == 1000, "all 1,000 are dead", Patience);

        // Another merchant's dead delivery is outside the filter and stays dead.
        var otherEndpoint = await RegisterEndpointAsync("merchant_bulk_other", new Uri(app.ReceiverUrl, "/respond/500"));
        using (await app.Api.PostAsJsonAsync("/events", new { merchantId = "merchant_bulk_other", type = "payment.succeeded", data = new { } }))
        {
        }
        await EngineAppFixture.EventuallyAsync(async () => await CountAsync("merchant_bulk_other", "dead") == 1, "the other merchant's delivery is dead", Patience);

        // The merchant's server is fixed; on-call recovers everything that died.
        using (var fix = await app.Api.PatchAsJsonAsync($"/merchants/{Merchant}/endpoints/{endpointId}", new { url = new Uri(app.ReceiverUrl, $"/webhook/{Merchant}") }))
        {
            fix.EnsureSuccessStatusCode();
        }
        Assert.Equal(1000, await BulkRetryAsync(new { merchantId = Merchant, since = DateTimeOffset.UtcNow.AddHours(-1) }));
        Assert.Equal(0, await BulkRetryAsync(new { merchantId = Merchant }));

        await EngineAppFixture.EventuallyAsync(async () => await CountAsync(Merchant, "delivered") == 1000, "all 1,000 are delivered after the bulk retry", Patience);
        Assert.Equal(1L, await CountAsync("merchant_bulk_other", "dead"));
        Assert.NotEqual(Guid.Empty, otherEndpoint);
        // Each was sent once more, not twice: the receiver accepted every event exactly once.
        Assert.Equal(0L, await app.QueryScalarAsync<long>("""
            SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id
            WHERE e.merchant_id = 'merchant_bulk'
              AND (SELECT count(*) FROM delivery_attempts a WHERE a.delivery_id = d.id AND a.status_code BETWEEN 200 AND 299) <> 1
            """));
    }

    [Theory]
    [InlineData("""{"status":"delivered"}""", "status")]
    [InlineData("""{"endpointId":"not-a-uuid"}""", "endpointId")]
    [InlineData("""{"since":"yesterday"}""", "since")]
    [InlineData("""{"since":"2026-12-02T00:00:00Z","until":"2026-12-01T00:00:00Z"}""", "until")]
    [InlineData("""{"merchant":"m"}""", "merchant")]
    [InlineData("""[1,2]""", "$")]
    public async Task ABadFilter_IsA400ProblemNamingTheField(string body, string field)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await app.Api.PostAsync("/deliveries/retry", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), $"the problem names {field}: {problem.RootElement}");
    }

    private async Task<long> BulkRetryAsync(object filter)
    {
        using var response = await app.Api.PostAsJsonAsync("/deliveries/retry", filter);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("retried").GetInt64();
    }

    private async Task<Guid> RegisterEndpointAsync(string merchantId, Uri url)
    {
        using var registered = await app.Api.PostAsJsonAsync($"/merchants/{merchantId}/endpoints", new { url });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        using var endpoint = JsonDocument.Parse(await registered.Content.ReadAsStringAsync());
        using (var trust = await app.Receiver.PostAsJsonAsync("/secrets", new { secret = endpoint.RootElement.GetProperty("secret").GetString() }))
        {
            trust.EnsureSuccessStatusCode();
        }
        return endpoint.RootElement.GetProperty("id").GetGuid();
    }

    private Task<long> CountAsync(string merchantId, string status) => app.QueryScalarAsync<long>(
        "SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.merchant_id = $1 AND d.status = $2", merchantId, status);
}

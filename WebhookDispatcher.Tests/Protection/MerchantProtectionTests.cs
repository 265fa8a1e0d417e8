using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebhookDispatcher.Tests.Infrastructure;

namespace WebhookDispatcher.Tests.Protection;

/// <summary>
/// What protects a merchant, with two real Workers and a receiver the test runs: a rate limit both Workers keep
/// together, a circuit they share, and an endpoint disabled after failing for too long, its deliveries held.
/// </summary>
[Collection(ProtectionAppCollection.Name)]
public sealed class MerchantProtectionTests(ProtectionAppFixture app)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task ARateLimit_IsHeldByBothWorkersTogether_AndEveryDeliveryArrivesWithOneAttempt()
    {
        const string Merchant = "merchant_paced";
        const int Limit = 20;
        const int Count = 200;
        // Both Workers send something first. A cold Worker's first requests wait for the JIT inside the HTTP stack
        // and then leave together (seen: 6 within 6 ms in the first second); that is start-up, not the limiter.
        var warmUp = await RegisterAsync("merchant_warm_up", new Uri(app.ReceiverUrl, "/webhook/merchant_warm_up"));
        await TrustSecretAsync("merchant_warm_up", warmUp);
        await PostBatchAsync("merchant_warm_up", 400);
        await EngineAppFixture.EventuallyAsync(async () => await CountAsync("merchant_warm_up", "delivered") == 400, "the warm-up is delivered", Patience);

        // The MockReceiver, a process of its own, is the merchant: its clock judges the limit.
        var endpointId = await RegisterAsync(Merchant, new Uri(app.ReceiverUrl, $"/webhook/{Merchant}"), rateLimitPerSecond: Limit);
        await TrustSecretAsync(Merchant, endpointId);

        await PostBatchAsync(Merchant, Count);
        await EngineAppFixture.EventuallyAsync(async () => await CountAsync(Merchant, "delivered") == Count, $"all {Count} are delivered", Patience);

        var arrivals = (await app.Receiver.GetFromJsonAsync<List<DateTimeOffset>>($"/stats/arrivals/{Merchant}"))!.Order().ToList();
        Assert.Equal(Count, arrivals.Count);
        var busiestSecond = BusiestSecond(arrivals);
        Assert.True(busiestSecond <= Limit * 1.1, $"at most {Limit * 1.1} arrivals in any second, saw {busiestSecond}");
        // Both Workers sent, so the limit held across them, and waiting for a slot spent no attempt.
        Assert.Equal(2L, await app.QueryScalarAsync<long>($"""
            SELECT count(DISTINCT a.worker_id) FROM delivery_attempts a
            JOIN deliveries d ON d.id = a.delivery_id JOIN events e ON e.id = d.event_id WHERE e.merchant_id = '{Merchant}'
            """));
        Assert.Equal(0L, await app.QueryScalarAsync<long>($"""
            SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.merchant_id = '{Merchant}' AND d.attempt_count <> 1
            """));
    }

    [Fact]
    public async Task AnEndpointThatFails_OpensOneCircuitForBothWorkers_ThenAProbeClosesIt()
    {
        const string Merchant = "merchant_circuit";
        const int Count = 100;
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.StatusCode = 503;
        var endpointId = await RegisterAsync(Merchant, new Uri(receiver.Url, "down"));

        await PostBatchAsync(Merchant, Count);
        await EngineAppFixture.EventuallyAsync(async () => (await CircuitAsync(endpointId)).GetProperty("state").GetString() == "open",
            "the circuit is open", Patience);
        var circuit = await CircuitAsync(endpointId);
        Assert.True(circuit.GetProperty("consecutiveFailures").GetInt32() >= ProtectionAppFixture.CircuitBreakAfter, circuit.ToString());

        // Attempts already in flight when it opened land; after that only the probes do, one per cooldown, from
        // either Worker, where two Workers retrying a hundred deliveries on their own would send dozens a second.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var before = receiver.Arrivals.Count;
        await Task.Delay(TimeSpan.FromSeconds(5));
        var whileOpen = receiver.Arrivals.Count - before;
        Assert.True(whileOpen <= 4, $"only probes reach the endpoint while its circuit is open: {whileOpen} arrived in 5 s");
        // Deliveries waiting on the circuit spent no attempts: every attempt recorded is one the receiver saw. An
        // attempt is recorded a moment after it arrives (the Worker gathers outcomes into batches), so the two are
        // compared until they meet; spent attempts would keep the count above the arrivals.
        await EngineAppFixture.EventuallyAsync(async () => await app.QueryScalarAsync<long>($"""
            SELECT count(*) FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN events e ON e.id = d.event_id
            WHERE e.merchant_id = '{Merchant}'
            """) == receiver.Arrivals.Count, "every recorded attempt is one the receiver saw", TimeSpan.FromSeconds(10));

        receiver.StatusCode = 200;
        await EngineAppFixture.EventuallyAsync(async () => await CountAsync(Merchant, "delivered") == Count, "all are delivered once a probe succeeds", Patience);
        circuit = await CircuitAsync(endpointId);
        Assert.Equal("closed", circuit.GetProperty("state").GetString());
        Assert.Equal(0, circuit.GetProperty("consecutiveFailures").GetInt32());
    }

    [Fact]
    public async Task AnEndpointFailingForTooLong_IsDisabled_ItsDeliveriesHeld_AndEnablingItDeliversThemAll()
    {
        const string Merchant = "merchant_disabled";
        await using var receiver = await LoopbackReceiver.StartAsync();
        receiver.StatusCode = 500;
        var endpointId = await RegisterAsync(Merchant, new Uri(receiver.Url, "failing"));
        await PostBatchAsync(Merchant, 10);

        await EngineAppFixture.EventuallyAsync(async () => !(await EndpointAsync(Merchant, endpointId)).GetProperty("enabled").GetBoolean(),
            "the endpoint is disabled", Patience);
        var endpoint = await EndpointAsync(Merchant, endpointId);
        Assert.Contains("automatically", endpoint.GetProperty("disabledReason").GetString());

        // Events that come while it is off are kept too.
        await PostBatchAsync(Merchant, 5);
        await EngineAppFixture.EventuallyAsync(async () => (await HealthAsync(endpointId)).GetProperty("held").GetInt64() == 15,
            "all 15 deliveries are held", Patience);
        Assert.Equal(0L, await CountAsync(Merchant, "dead"));
        var arrivedWhileDisabled = receiver.Arrivals.Count;
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(arrivedWhileDisabled, receiver.Arrivals.Count);

        receiver.StatusCode = 200;
        using (var enable = await app.Api.PostAsync($"/merchants/{Merchant}/endpoints/{endpointId}/enable", null))
        {
            enable.EnsureSuccessStatusCode();
        }
        await EngineAppFixture.EventuallyAsync(async () => await CountAsync(Merchant, "delivered") == 15, "all 15 are delivered after enabling", Patience);
        var health = await HealthAsync(endpointId);
        Assert.Equal(0L, health.GetProperty("held").GetInt64());
        Assert.Equal("closed", health.GetProperty("circuit").GetProperty("state").GetString());

        // The incident its failures raised (stored even with no channel set up) is resolved by the first delivery.
        await EngineAppFixture.EventuallyAsync(async () => (await AlertAsync(endpointId)).GetProperty("state").GetString() == "resolved",
            "its alert is resolved", Patience);
        var kinds = (await AlertAsync(endpointId)).GetProperty("kinds").EnumerateArray().Select(k => k.GetString()).ToList();
        Assert.Contains("auto_disabled", kinds);
        Assert.Contains("circuit_open", kinds);
    }

    private async Task<JsonElement> AlertAsync(Guid endpointId)
    {
        using var alerts = await app.Api.GetFromJsonAsync<JsonDocument>("/alerts?limit=500");
        return alerts!.RootElement.GetProperty("alerts").EnumerateArray().First(a => a.GetProperty("targetKey").GetString() == endpointId.ToString()).Clone();
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("2.5")]
    [InlineData("\"20\"")]
    [InlineData("100001")]
    [InlineData("true")]
    public async Task ABadRateLimit_IsA400ProblemNamingIt_OnCreateAndPatch(string value)
    {
        var url = new Uri(app.ReceiverUrl, "/webhook/merchant_limits");
        using (var created = await SendJsonAsync(HttpMethod.Post, "/merchants/merchant_limits/endpoints", $$"""{"url":"{{url}}","rateLimitPerSecond":{{value}}}"""))
        {
            await AssertProblemNamesAsync(created, "rateLimitPerSecond");
        }
        var endpointId = await RegisterAsync("merchant_limits", url, rateLimitPerSecond: 5);
        using (var patched = await SendJsonAsync(HttpMethod.Patch, $"/merchants/merchant_limits/endpoints/{endpointId}", $$"""{"rateLimitPerSecond":{{value}}}"""))
        {
            await AssertProblemNamesAsync(patched, "rateLimitPerSecond");
        }
        // Nothing was half-stored: the limit is what it was.
        Assert.Equal(5, (await EndpointAsync("merchant_limits", endpointId)).GetProperty("rateLimitPerSecond").GetInt32());
    }

    [Fact]
    public async Task ARateLimit_IsChangedAndClearedByPatch_AndShownInHealth()
    {
        var endpointId = await RegisterAsync("merchant_limit_edit", new Uri(app.ReceiverUrl, "/webhook/merchant_limit_edit"), rateLimitPerSecond: 5);
        using (var patched = await SendJsonAsync(HttpMethod.Patch, $"/merchants/merchant_limit_edit/endpoints/{endpointId}", """{"rateLimitPerSecond":50}"""))
        {
            patched.EnsureSuccessStatusCode();
        }
        Assert.Equal(50, (await HealthAsync(endpointId)).GetProperty("rateLimitPerSecond").GetInt32());
        using (var cleared = await SendJsonAsync(HttpMethod.Patch, $"/merchants/merchant_limit_edit/endpoints/{endpointId}", """{"rateLimitPerSecond":null}"""))
        {
            cleared.EnsureSuccessStatusCode();
        }
        Assert.Equal(JsonValueKind.Null, (await EndpointAsync("merchant_limit_edit", endpointId)).GetProperty("rateLimitPerSecond").ValueKind);
    }

    /// <summary>The most arrivals within any one second (a sliding window over the sorted arrival times).</summary>
    private static int BusiestSecond(IReadOnlyList<DateTimeOffset> sorted)
    {
        var most = 0;
        for (int start = 0, end = 0; end < sorted.Count; end++)
        {
            while (sorted[end] - sorted[start] >= TimeSpan.FromSeconds(1))
            {
                start++;
            }
            most = Math.Max(most, end - start + 1);
        }
        return most;
    }

    private async Task<Guid> RegisterAsync(string merchant, Uri url, int? rateLimitPerSecond = null)
    {
        using var response = await app.Api.PostAsJsonAsync($"/merchants/{merchant}/endpoints", new { url, rateLimitPerSecond });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        using var endpoint = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(rateLimitPerSecond, endpoint.RootElement.GetProperty("rateLimitPerSecond").ValueKind == JsonValueKind.Null
            ? null : endpoint.RootElement.GetProperty("rateLimitPerSecond").GetInt32());
        return endpoint.RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>The MockReceiver verifies every signature: it must know the endpoint's secret, which only its creation showed.</summary>
    private async Task TrustSecretAsync(string merchant, Guid endpointId)
    {
        using var rotated = await app.Api.PostAsync($"/merchants/{merchant}/endpoints/{endpointId}/rotate-secret", null);
        rotated.EnsureSuccessStatusCode();
        using var endpoint = JsonDocument.Parse(await rotated.Content.ReadAsStringAsync());
        using var trust = await app.Receiver.PostAsJsonAsync("/secrets", new { secret = endpoint.RootElement.GetProperty("secret").GetString() });
        trust.EnsureSuccessStatusCode();
    }

    private async Task PostBatchAsync(string merchant, int count)
    {
        var events = Enumerable.Range(0, count).Select(i => new { merchantId = merchant, type = "payment.succeeded", data = new { i } });
        using var response = await app.Api.PostAsJsonAsync("/events/batch", new { events });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private Task<long> CountAsync(string merchant, string status) => app.QueryScalarAsync<long>(
        "SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.merchant_id = $1 AND d.status = $2", merchant, status);

    private async Task<JsonElement> HealthAsync(Guid endpointId)
    {
        using var health = await app.Api.GetFromJsonAsync<JsonDocument>("/endpoints/health");
        return health!.RootElement.EnumerateArray().Single(e => e.GetProperty("endpointId").GetGuid() == endpointId).Clone();
    }

    private async Task<JsonElement> CircuitAsync(Guid endpointId) => (await HealthAsync(endpointId)).GetProperty("circuit");

    private async Task<JsonElement> EndpointAsync(string merchant, Guid endpointId)
    {
        using var endpoint = await app.Api.GetFromJsonAsync<JsonDocument>($"/merchants/{merchant}/endpoints/{endpointId}");
        return endpoint!.RootElement.Clone();
    }

    private async Task<HttpResponseMessage> SendJsonAsync(HttpMethod method, string path, string json)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        return await app.Api.SendAsync(request);
    }

    private static async Task AssertProblemNamesAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), $"the problem names {field}: {problem.RootElement}");
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using StackExchange.Redis;
using WebhookDispatcher.Core;
using WebhookDispatcher.Tests.Infrastructure;

namespace WebhookDispatcher.Tests.Engine;

/// <summary>
/// The engine end to end, on real processes: events in through the Api, out through the Workers to the
/// MockReceiver, which verifies every signature; PostgreSQL read directly to check what was recorded.
/// </summary>
[Collection(EngineAppCollection.Name)]
public sealed class DeliveryEndToEndTests(EngineAppFixture app) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    public async Task InitializeAsync() => await app.SetReceiverChaosAsync(0, 0);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task BothSeedShapes_AreDelivered_AndTheirSignaturesVerify()
    {
        var receiverUrl = new Uri(app.ReceiverUrl, "/webhook");
        var payment = await PostEventAsync(new { merchantId = "merchant_seed", amount = 4999, currency = "INR", transactionId = "txn_001" });
        var adHoc = await PostEventAsync(new { target_url = receiverUrl, payload = new { order_id = "abc-123", amount = 99.99 } });

        foreach (var id in new[] { payment, adHoc })
        {
            await EngineAppFixture.EventuallyAsync(async () => await StatusOfAsync(id) == "delivered", $"event {id} is delivered", Patience);
            using var received = await app.Receiver.GetFromJsonAsync<JsonDocument>($"/received/{id}");
            Assert.True(received!.RootElement.GetProperty("accepted").GetBoolean(), $"the MockReceiver accepted {id} (signatures verified)");
        }

        using var details = await app.Api.GetFromJsonAsync<JsonDocument>($"/events/{payment}");
        var delivery = details!.RootElement.GetProperty("deliveries")[0];
        Assert.Equal("delivered", delivery.GetProperty("status").GetString());
        Assert.Equal(200, delivery.GetProperty("attempts")[0].GetProperty("statusCode").GetInt32());
        Assert.Equal("payment.succeeded", details.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task AnIdempotentRepeat_ReturnsTheFirstEvent_AndStoresNothingNew()
    {
        var body = new { merchantId = "merchant_idem", type = "payment.succeeded", data = new { amount = 10 } };
        using var first = await PostAsync("/events", body, idempotencyKey: "order-42");
        using var second = await PostAsync("/events", body, idempotencyKey: "order-42");
        using var different = await PostAsync("/events", new { merchantId = "merchant_idem", type = "payment.succeeded", data = new { amount = 11 } }, idempotencyKey: "order-42");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(await IdOfAsync(first), await IdOfAsync(second));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, different.StatusCode);
        Assert.Equal("application/problem+json", different.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1L, await app.QueryScalarAsync<long>("SELECT count(*) FROM events WHERE merchant_id = 'merchant_idem'"));
    }

    [Fact]
    public async Task ConcurrentSingleEvents_ShareCommits_YetEachAnswerMeansItsOwnEventIsStored()
    {
        // Concurrent POST /events without keys go through the Api's group commit: many events, one COMMIT.
        var posts = Enumerable.Range(0, 300).Select(i => PostEventAsync(new { merchantId = "merchant_group", type = "payment.succeeded", data = new { i } }));

        var ids = await Task.WhenAll(posts);

        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.Equal((long)ids.Length, await app.QueryScalarAsync<long>("SELECT count(*) FROM events WHERE id = ANY($1)", ids));
        Assert.Equal((long)ids.Length, await app.QueryScalarAsync<long>("SELECT count(*) FROM deliveries WHERE event_id = ANY($1)", ids));
        // Each event kept its own payload: no answer was crossed with another request's event.
        for (var i = 0; i < ids.Length; i += 37)
        {
            Assert.Equal($"{{\"i\":{i}}}", await app.QueryScalarAsync<string>("SELECT payload::text FROM events WHERE id = $1", ids[i]));
        }
    }

    [Fact]
    public async Task UnderAChaoticReceiver_EveryEventEndsDeliveredOrDead_WithEveryAttemptRecorded()
    {
        // The seed's chaos: 40% fail with 500, 30% hang past the Worker's 1 s timeout, 30% accept.
        await app.SetReceiverChaosAsync(failureRate: 0.4, hangRate: 0.3, hangSeconds: 2);
        var ids = await PostBatchAsync("merchant_chaos", 150);

        await EngineAppFixture.EventuallyAsync(
            async () => await app.QueryScalarAsync<long>(
                "SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.merchant_id = 'merchant_chaos' AND d.status IN ('pending', 'in_flight')") == 0,
            "no chaos delivery is pending or in flight", TimeSpan.FromMinutes(3));

        var delivered = await app.QueryScalarAsync<long>(
            "SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.merchant_id = 'merchant_chaos' AND d.status = 'delivered'");
        var dead = await app.QueryScalarAsync<long>(
            "SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.merchant_id = 'merchant_chaos' AND d.status = 'dead'");
        Assert.Equal(ids.Count, delivered + dead);
        Assert.True(delivered > ids.Count / 2, $"most deliveries get through ({delivered} of {ids.Count})");

        // Every attempt is recorded: attempts counted on each delivery match its attempt rows, a delivered one ends
        // with a 2xx, and a dead one used every attempt it had.
        Assert.Equal(0L, await app.QueryScalarAsync<long>("""
            SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id
            WHERE e.merchant_id = 'merchant_chaos'
              AND d.attempt_count <> (SELECT count(*) FROM delivery_attempts a WHERE a.delivery_id = d.id)
            """));
        Assert.Equal(0L, await app.QueryScalarAsync<long>("""
            SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id
            WHERE e.merchant_id = 'merchant_chaos' AND d.status = 'delivered'
              AND (SELECT a.status_code FROM delivery_attempts a WHERE a.delivery_id = d.id ORDER BY a.id DESC LIMIT 1) NOT BETWEEN 200 AND 299
            """));
        Assert.Equal(0L, await app.QueryScalarAsync<long>("""
            SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id
            WHERE e.merchant_id = 'merchant_chaos' AND d.status = 'dead' AND d.attempt_count < 8
            """));
        Assert.True(await app.QueryScalarAsync<long>("""
            SELECT count(*) FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN events e ON e.id = d.event_id
            WHERE e.merchant_id = 'merchant_chaos' AND a.error LIKE 'Timed out%'
            """) > 0, "hung requests were recorded as timeouts");
    }

    [Fact]
    public async Task TwoWorkers_NeverDeliverTheSameClaimTwice()
    {
        using (var reset = await app.Receiver.PostAsync("/stats/reset", null))
        {
            reset.EnsureSuccessStatusCode();
        }
        var ids = await PostBatchAsync("merchant_pair", 2000);

        await EngineAppFixture.EventuallyAsync(
            async () => await app.QueryScalarAsync<long>(
                "SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.merchant_id = 'merchant_pair' AND d.status = 'delivered'") == ids.Count,
            "all 2,000 are delivered", Patience);

        Assert.Equal(0L, await app.QueryScalarAsync<long>("""
            SELECT count(*) FROM (
                SELECT a.delivery_id FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN events e ON e.id = d.event_id
                WHERE e.merchant_id = 'merchant_pair' GROUP BY a.delivery_id HAVING count(*) > 1) twice
            """));
        using var stats = await app.Receiver.GetFromJsonAsync<JsonDocument>("/stats");
        Assert.Equal(0, stats!.RootElement.GetProperty("duplicates").GetInt64());
        Assert.Equal(ids.Count, stats.RootElement.GetProperty("uniqueAccepted").GetInt64());
        Assert.Equal(2L, await app.QueryScalarAsync<long>("""
            SELECT count(DISTINCT split_part(a.worker_id, ':', 2)) FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
            JOIN events e ON e.id = d.event_id WHERE e.merchant_id = 'merchant_pair'
            """));
    }

    [Fact]
    public async Task ConcurrentSingleEvents_WakeTheWorkers_OncePerCommittedBatch_ForEveryDelivery()
    {
        const int Events = 100;
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await app.App.GetConnectionStringAsync("redis"))!);
        var wakeUps = new ConcurrentQueue<long>();
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(WakeUpChannel.Name), (_, count) => wakeUps.Enqueue((long)count));

        var ids = await Task.WhenAll(Enumerable.Range(0, Events)
            .Select(i => PostEventAsync(new { merchantId = "merchant_wakeups", type = "payment.succeeded", data = new { i } })));

        // Each wake-up says how many deliveries it announces: together, every one of the events' deliveries (this
        // merchant has no endpoint, so one each), in fewer messages than events, since the Api commits concurrent
        // single events together and announces each commit once.
        await EngineAppFixture.EventuallyAsync(() => Task.FromResult(wakeUps.Sum() >= Events), "every delivery is announced", TimeSpan.FromSeconds(10));
        Assert.Equal(Events, wakeUps.Sum());
        Assert.True(wakeUps.Count < Events, $"{wakeUps.Count} wake-ups for {Events} events: one per event, not per commit");
        foreach (var id in ids)
        {
            await EngineAppFixture.EventuallyAsync(async () => await StatusOfAsync(id) == "delivered", $"event {id} is delivered", Patience);
        }
    }

    [Fact]
    public async Task WithRedisStopped_IngestionStillAccepts_AndDeliveryContinuesByPolling()
    {
        var redis = app.Resources.Single("redis");
        await app.Resources.StopAsync(redis);
        try
        {
            var ids = new List<Guid>();
            for (var i = 0; i < 20; i++)
            {
                ids.Add(await PostEventAsync(new { merchantId = "merchant_noredis", type = "payment.succeeded", data = new { i } }));
            }
            using var health = await app.Api.GetAsync("/health");
            Assert.Contains("Degraded", await health.Content.ReadAsStringAsync());

            foreach (var id in ids)
            {
                await EngineAppFixture.EventuallyAsync(async () => await StatusOfAsync(id) == "delivered", $"event {id} is delivered without Redis", Patience);
            }
        }
        finally
        {
            await app.Resources.StartAsync(redis);
        }
    }

    [Fact]
    public async Task WorkersKilledMidBatch_LoseNothing_EveryEventIsDeliveredAfterRestart()
    {
        // Slow but successful merchant: attempts are in flight when the Workers die.
        await app.SetReceiverChaosAsync(failureRate: 0, hangRate: 1, hangSeconds: 0.7);
        var ids = await PostBatchAsync("merchant_kill", 300);
        await EngineAppFixture.EventuallyAsync(
            async () => await app.QueryScalarAsync<long>(
                "SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.merchant_id = 'merchant_kill' AND d.status = 'in_flight'") > 0,
            "deliveries are in flight", Patience);

        var workers = app.Resources.Of("worker");
        Assert.Equal(2, workers.Count);
        await Task.WhenAll(workers.Select(w => app.Resources.KillAsync(w)));
        var orphaned = await app.QueryScalarAsync<long>(
            "SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.merchant_id = 'merchant_kill' AND d.status = 'in_flight'");

        await app.SetReceiverChaosAsync(0, 0);
        await Task.WhenAll(workers.Select(w => app.Resources.StartAsync(w)));

        await EngineAppFixture.EventuallyAsync(
            async () => await app.QueryScalarAsync<long>(
                "SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.merchant_id = 'merchant_kill' AND d.status = 'delivered'") == ids.Count,
            $"all {ids.Count} are delivered after the restart ({orphaned} were in flight at the kill)", Patience);
        Assert.True(orphaned > 0, "the kill caught deliveries in flight");
    }

    [Fact]
    public async Task AGracefullyStoppedWorker_FinishesOrReleasesWhatItHolds_LeavingNoLeaseBehind()
    {
        await app.SetReceiverChaosAsync(failureRate: 0, hangRate: 1, hangSeconds: 0.5);
        var ids = await PostBatchAsync("merchant_stop", 200);
        await EngineAppFixture.EventuallyAsync(
            async () => await app.QueryScalarAsync<long>(
                "SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.merchant_id = 'merchant_stop' AND d.status = 'in_flight'") > 0,
            "deliveries are in flight", Patience);

        var workers = app.Resources.Of("worker");
        await Task.WhenAll(workers.Select(w => app.Resources.StopAsync(w)));

        // Unlike a kill, a stop leaves nothing for a lease to time out on: every claim was recorded or given back.
        Assert.Equal(0L, await app.QueryScalarAsync<long>(
            "SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.merchant_id = 'merchant_stop' AND d.status = 'in_flight'"));

        await app.SetReceiverChaosAsync(0, 0);
        await Task.WhenAll(workers.Select(w => app.Resources.StartAsync(w)));
        await EngineAppFixture.EventuallyAsync(
            async () => await app.QueryScalarAsync<long>(
                "SELECT count(*) FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.merchant_id = 'merchant_stop' AND d.status = 'delivered'") == ids.Count,
            $"all {ids.Count} are delivered after the restart", Patience);
    }

    [Fact]
    public async Task AnEndpointAnswering410_IsDisabled_AndADeadDeliveryCanBeRetriedByHand()
    {
        var receiver = app.ReceiverUrl;
        var registered = await PostAsync("/merchants/merchant_gone/endpoints", new { url = receiver + "respond/410" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        using var endpoint = await registered.Content.ReadFromJsonAsync<JsonDocument>();
        var endpointId = endpoint!.RootElement.GetProperty("id").GetGuid();
        var secret = endpoint.RootElement.GetProperty("secret").GetString();
        Assert.StartsWith("whsec_", secret);
        using (var trust = await app.Receiver.PostAsJsonAsync("/secrets", new { secret }))
        {
            trust.EnsureSuccessStatusCode();
        }

        var id = await PostEventAsync(new { merchantId = "merchant_gone", type = "payment.succeeded", data = new { amount = 1 } });
        await EngineAppFixture.EventuallyAsync(async () => await StatusOfAsync(id) == "dead", "the delivery to a gone endpoint is dead", Patience);
        using var listed = await app.Api.GetFromJsonAsync<JsonDocument>("/merchants/merchant_gone/endpoints");
        Assert.False(listed!.RootElement[0].GetProperty("enabled").GetBoolean());

        // The merchant fixes their endpoint; on-call retries the dead delivery by hand.
        using (var fix = await app.Api.PatchAsJsonAsync($"/merchants/merchant_gone/endpoints/{endpointId}", new { url = receiver + "webhook/merchant_gone", enabled = true }))
        {
            fix.EnsureSuccessStatusCode();
        }
        using var dead = await app.Api.GetFromJsonAsync<JsonDocument>($"/events/{id}");
        var deliveryId = dead!.RootElement.GetProperty("deliveries")[0].GetProperty("id").GetInt64();
        using var retry = await app.Api.PostAsync($"/deliveries/{deliveryId}/retry", null);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        using var again = await app.Api.PostAsync($"/deliveries/{deliveryId}/retry", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        await EngineAppFixture.EventuallyAsync(async () => await StatusOfAsync(id) == "delivered", "the retried delivery is delivered", Patience);
    }

    private async Task<HttpResponseMessage> PostAsync(string path, object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return await app.Api.SendAsync(request);
    }

    private async Task<Guid> PostEventAsync(object body)
    {
        using var response = await PostAsync("/events", body);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"202 expected, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.NotNull(response.Headers.Location);
        return await IdOfAsync(response);
    }

    private async Task<List<Guid>> PostBatchAsync(string merchantId, int count)
    {
        var ids = new List<Guid>(count);
        for (var start = 0; start < count; start += 1000)
        {
            var events = Enumerable.Range(start, Math.Min(1000, count - start))
                .Select(i => new { merchantId, type = "payment.succeeded", data = new { i } });
            using var response = await PostAsync("/events/batch", new { events });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            using var json = await response.Content.ReadFromJsonAsync<JsonDocument>();
            ids.AddRange(json!.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()));
        }
        return ids;
    }

    private static async Task<Guid> IdOfAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("id").GetGuid();
    }

    private async Task<string?> StatusOfAsync(Guid id)
    {
        using var status = await app.Api.GetFromJsonAsync<JsonDocument>($"/status/{id}");
        return status!.RootElement.GetProperty("status").GetString();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using WebhookDispatcher.Api.Security;
using WebhookDispatcher.Tests.Infrastructure;

namespace WebhookDispatcher.Tests.Ingestion;

/// <summary>
/// The Api's input path against the running system (real Api, PostgreSQL and Redis over loopback): what is
/// stored is what was sent under concurrency, an oversized batch item or a repeated property name is refused by
/// name with nothing stored, and headers past what a producer needs are refused in problem+json.
/// </summary>
[Collection(EngineAppCollection.Name)]
public sealed class IngestionLimitsTests(EngineAppFixture app)
{
    [Fact]
    public async Task ConcurrentBatchesAndEndpoints_StoreExactlyThePayloadsAndUrlsThatWereSent()
    {
        var merchant = $"m_pool_{Guid.NewGuid():N}";
        var random = new Random(20261201);
        const string Letters = "abcdefghijklmnopqrstuvwxyz0123456789";
        var batches = Enumerable.Range(0, 24).Select(b => Enumerable.Range(0, random.Next(5, 30)).Select(i =>
        {
            var key = $"k-{b}-{i}-{Guid.NewGuid():N}";
            var blob = new string(Enumerable.Range(0, random.Next(10, 60_000)).Select(_ => Letters[random.Next(Letters.Length)]).ToArray());
            var payload = $$"""{"order_id":"{{key}}","blob":"{{blob}}"}""";
            var target = $"{app.ReceiverUrl.AbsoluteUri.TrimEnd('/')}/webhook?order={key}";
            return (Key: key, Payload: payload, Target: target);
        }).ToList()).ToList();
        var endpointUrls = Enumerable.Range(0, 40).Select(i => $"http://127.0.0.1:9/hooks/{i}/{Guid.NewGuid():N}").ToList();

        var sendBatches = Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (batch, ct) =>
        {
            var body = "[" + string.Join(",", batch.Select(e =>
                $$"""{"merchantId":"{{merchant}}","idempotencyKey":"{{e.Key}}","target_url":{{JsonSerializer.Serialize(e.Target)}},"payload":{{e.Payload}}}""")) + "]";
            using var response = await app.Api.PostAsync("/events/batch", new StringContent(body, Encoding.UTF8, "application/json"), ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        });
        var registered = new System.Collections.Concurrent.ConcurrentDictionary<Guid, string>();
        var registerEndpoints = Parallel.ForEachAsync(endpointUrls, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (url, ct) =>
        {
            using var response = await app.Api.PostAsJsonAsync($"/merchants/{merchant}/endpoints", new { url, enabled = false }, ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            registered[json.RootElement.GetProperty("id").GetGuid()] = url;
        });
        await Task.WhenAll(sendBatches, registerEndpoints);

        await using var connection = new NpgsqlConnection(app.WebhooksConnectionString);
        await connection.OpenAsync();
        var stored = new Dictionary<string, (string Payload, string? Target)>();
        await using (var command = new NpgsqlCommand("SELECT idempotency_key, payload::text, target_url FROM events WHERE merchant_id = $1", connection)
        {
            Parameters = { new() { Value = merchant } },
        })
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored[reader.GetString(0)] = (reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
            }
        }
        var sent = batches.SelectMany(b => b).ToList();
        Assert.Equal(sent.Count, stored.Count);
        foreach (var e in sent)
        {
            Assert.Equal(e.Payload, stored[e.Key].Payload);
            Assert.Equal(e.Target, stored[e.Key].Target);
        }

        await using (var command = new NpgsqlCommand("SELECT id, url FROM merchant_endpoints WHERE merchant_id = $1", connection)
        {
            Parameters = { new() { Value = merchant } },
        })
        await using (var reader = await command.ExecuteReaderAsync())
        {
            var urls = new Dictionary<Guid, string>();
            while (await reader.ReadAsync())
            {
                urls[reader.GetGuid(0)] = reader.GetString(1);
            }
            Assert.Equal(registered.OrderBy(e => e.Key), urls.OrderBy(e => e.Key));
        }
    }

    [Fact]
    public async Task BatchWithOneOversizedItem_Is413NamingTheItem_AndStoresNothing()
    {
        var merchant = $"m_big_{Guid.NewGuid():N}"[..30];
        var events = Enumerable.Range(0, 5).Select(i => (object)new { merchantId = merchant, type = "t", data = new { i } }).ToList();
        events[3] = new { merchantId = merchant, type = "t", data = new { blob = new string('a', new ApiOptions().MaxEventBytes) } };

        using var response = await app.Api.PostAsJsonAsync("/events/batch", events);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["events[3]"], problem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Equal(0L, await app.QueryScalarAsync<long>("SELECT count(*) FROM events WHERE merchant_id = $1", merchant));
    }

    [Theory]
    [InlineData("/events", """{"merchantId":"m_dup","type":"t","merchantId":"m_other","data":{}}""", "merchantId")]
    [InlineData("/events/batch", """[{"merchantId":"m_dup","type":"t","data":{"amount":1,"amount":2}}]""", "[0].data.amount")]
    [InlineData("/merchants/m_dup/endpoints", """{"url":"http://127.0.0.1:9/a","url":"http://127.0.0.1:9/b"}""", "url")]
    public async Task DuplicatePropertyName_Is400NamingIt_AndStoresNothing(string path, string body, string property)
    {
        var events = await app.QueryScalarAsync<long>("SELECT count(*) FROM events WHERE merchant_id = 'm_dup'");
        var endpoints = await app.QueryScalarAsync<long>("SELECT count(*) FROM merchant_endpoints WHERE merchant_id = 'm_dup'");

        using var response = await app.Api.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal([property], problem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Equal(events, await app.QueryScalarAsync<long>("SELECT count(*) FROM events WHERE merchant_id = 'm_dup'"));
        Assert.Equal(endpoints, await app.QueryScalarAsync<long>("SELECT count(*) FROM merchant_endpoints WHERE merchant_id = 'm_dup'"));
    }

    [Fact]
    public async Task HeadersPastAProducersNeed_Are431ProblemJson()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/events")
        {
            Content = JsonContent.Create(new { merchantId = "m_headers", type = "t", data = new { a = 1 } }),
        };
        request.Headers.TryAddWithoutValidation("X-Padding", new string('h', RequestLimitsMiddleware.MaxHeaderBytes + 1024));

        using var response = await app.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"{RequestLimitsMiddleware.MaxHeaderBytes} bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeadersFarPastAnyNeed_AreRefusedByKestrel_BeforeTheyAreBuffered()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events");
        for (var i = 0; i < 4; i++)
        {
            request.Headers.TryAddWithoutValidation($"X-Padding-{i}", new string('h', WebhookDispatcher.Api.Extensions.Extensions.KestrelMaxRequestHeadersTotalSize / 4 + 64));
        }

        using var response = await app.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        // Kestrel's own answer, not the middleware's: the request never reached the application.
        Assert.NotEqual("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

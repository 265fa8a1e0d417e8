using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace WebhookDispatcher.Bench.Load;

/// <summary>POSTs events to the Api the way a producer would, over a pool of keep-alive connections.</summary>
public sealed class ApiClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _http;

    public ApiClient(Uri apiUrl, string? apiKey, int connections)
    {
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            UseCookies = false,
            AllowAutoRedirect = false,
        })
        {
            BaseAddress = apiUrl,
            Timeout = TimeSpan.FromSeconds(30),
        };
        if (apiKey is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
    }

    /// <summary>A payment event in the BullMQ seed's shape; about 100 bytes.</summary>
    public static string PaymentEvent(long n) =>
        $$"""{"merchantId":"merchant_{{n % 50}}","amount":{{1000 + n % 9000}},"currency":"INR","transactionId":"txn_{{n}}"}""";

    /// <summary>One event; the id when the Api answered 202, null otherwise.</summary>
    public async Task<Guid?> PostEventAsync(string json, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/events") { Content = new StringContent(json, Encoding.UTF8) };
        request.Content.Headers.ContentType = Json;
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            return null;
        }
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        return document.RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>A batch of events in one request; their ids when the Api answered 202, null otherwise.</summary>
    public async Task<IReadOnlyList<Guid>?> PostBatchAsync(IReadOnlyList<string> events, CancellationToken cancellationToken = default)
    {
        var json = new StringBuilder("{\"events\":[");
        for (var i = 0; i < events.Count; i++)
        {
            json.Append(i == 0 ? "" : ",").Append(events[i]);
        }
        json.Append("]}");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/events/batch") { Content = new StringContent(json.ToString(), Encoding.UTF8) };
        request.Content.Headers.ContentType = Json;
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            return null;
        }
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        return [.. document.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetGuid())];
    }

    /// <summary>Registers an endpoint for <paramref name="merchantId"/>, as a merchant would; throws unless the Api answered 201.</summary>
    public async Task RegisterEndpointAsync(string merchantId, Uri url, CancellationToken cancellationToken = default)
    {
        var json = JsonSerializer.Serialize(new { url = url.ToString() });
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = Json;
        using var response = await _http.PostAsync($"/merchants/{merchantId}/endpoints", content, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Registering an endpoint for {merchantId} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    public void Dispose() => _http.Dispose();
}

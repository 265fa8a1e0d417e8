using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using WebhookDispatcher.Contracts;

namespace WebhookDispatcher.OperatorConsole.Services;

/// <summary>
/// The console's only way to the data: the Api's HTTP routes. A retry from the console therefore goes through the
/// same code as any other (and publishes the Worker's wake-up). Every call answers with an <see cref="ApiResult{T}"/>:
/// the Api being down, slow or refusing the key is a message on the page, never an exception.
/// </summary>
public sealed class ApiClient(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Where the calls go: the configured URL, or the service-discovery name.</summary>
    public Uri? BaseAddress => http.BaseAddress;

    public Task<ApiResult<StatusSummary>> GetStatusSummaryAsync(CancellationToken cancellationToken = default) =>
        GetAsync<StatusSummary>("status/all", cancellationToken);

    public Task<ApiResult<EventPage>> ListEventsAsync(string? status, int limit, CancellationToken cancellationToken = default, int page = 1) =>
        GetAsync<EventPage>(status is null ? $"events?limit={limit}&page={page}" : $"events?status={Uri.EscapeDataString(status)}&limit={limit}&page={page}", cancellationToken);

    public Task<ApiResult<EventDetails>> GetEventAsync(Guid id, CancellationToken cancellationToken = default) =>
        GetAsync<EventDetails>($"events/{id}", cancellationToken);

    public Task<ApiResult<DeliveryPage>> ListDeadAsync(int limit, CancellationToken cancellationToken = default) =>
        GetAsync<DeliveryPage>($"deliveries?status=dead&limit={limit}", cancellationToken);

    public Task<ApiResult<List<EndpointHealth>>> GetEndpointHealthAsync(CancellationToken cancellationToken = default) =>
        GetAsync<List<EndpointHealth>>("endpoints/health", cancellationToken);

    /// <summary>POST /deliveries/{id}/retry: a dead delivery gets a fresh budget of attempts.</summary>
    public Task<ApiResult<RetryAccepted>> RetryAsync(long deliveryId, CancellationToken cancellationToken = default) =>
        SendAsync<RetryAccepted>(() => http.PostAsync($"deliveries/{deliveryId}/retry", content: null, cancellationToken), cancellationToken);

    /// <summary>PATCH the endpoint's rate limit alone: 1 to 100,000 requests a second, or null for none.</summary>
    public Task<ApiResult<MerchantEndpoint>> SetRateLimitAsync(string merchantId, Guid endpointId, int? rateLimitPerSecond,
        CancellationToken cancellationToken = default) =>
        SendAsync<MerchantEndpoint>(() => http.PatchAsJsonAsync(EndpointPath(merchantId, endpointId), new RateLimitChange(rateLimitPerSecond), Json,
            cancellationToken), cancellationToken);

    /// <summary>Stop delivering to an endpoint; its deliveries are held, not lost.</summary>
    public Task<ApiResult<MerchantEndpoint>> DisableEndpointAsync(string merchantId, Guid endpointId, CancellationToken cancellationToken = default) =>
        SendAsync<MerchantEndpoint>(() => http.PostAsync($"{EndpointPath(merchantId, endpointId)}/disable", content: null, cancellationToken),
            cancellationToken);

    /// <summary>Deliver to an endpoint again: its held deliveries become due now and its circuit starts closed.</summary>
    public Task<ApiResult<MerchantEndpoint>> EnableEndpointAsync(string merchantId, Guid endpointId, CancellationToken cancellationToken = default) =>
        SendAsync<MerchantEndpoint>(() => http.PostAsync($"{EndpointPath(merchantId, endpointId)}/enable", content: null, cancellationToken),
            cancellationToken);

    /// <summary>POST /deliveries/retry/count: how many dead deliveries the filter matches now. Changes nothing.</summary>
    public Task<ApiResult<BulkRetryCount>> CountRetryableAsync(BulkRetryFilter filter, CancellationToken cancellationToken = default) =>
        SendAsync<BulkRetryCount>(() => http.PostAsJsonAsync("deliveries/retry/count", filter, Json, cancellationToken), cancellationToken);

    /// <summary>POST /deliveries/retry: every dead delivery the filter matches gets a fresh budget of attempts.</summary>
    public Task<ApiResult<BulkRetryResult>> RetryMatchingAsync(BulkRetryFilter filter, CancellationToken cancellationToken = default) =>
        SendAsync<BulkRetryResult>(() => http.PostAsJsonAsync("deliveries/retry", filter, Json, cancellationToken), cancellationToken);

    /// <summary>GET /alerts, newest first: every alert, or only the firing or the resolved ones.</summary>
    public Task<ApiResult<AlertList>> ListAlertsAsync(string? state, int limit, CancellationToken cancellationToken = default) =>
        GetAsync<AlertList>(state is null ? $"alerts?limit={limit}" : $"alerts?state={Uri.EscapeDataString(state)}&limit={limit}", cancellationToken);

    /// <summary>
    /// Can the console read the Api at all, key included: one event, the cheapest keyed route (an index scan).
    /// Null when it can; otherwise what the pages would say.
    /// </summary>
    public async Task<string?> CheckReadableAsync(CancellationToken cancellationToken = default)
    {
        var result = await ListEventsAsync(null, 1, cancellationToken);
        return result.Error;
    }

    private static string EndpointPath(string merchantId, Guid endpointId) =>
        $"merchants/{Uri.EscapeDataString(merchantId)}/endpoints/{endpointId}";

    private Task<ApiResult<T>> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        SendAsync<T>(() => http.GetAsync(path, cancellationToken), cancellationToken);

    private async Task<ApiResult<T>> SendAsync<T>(Func<Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await send();
            return await ReadAsync<T>(response, cancellationToken);
        }
        // ExecutionRejectedException: the resilience pipeline gave up (attempt timeout, or its circuit is open after
        // repeated failures), which for the operator is the same news as a refused connection.
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or ExecutionRejectedException)
        {
            var why = ex switch
            {
                BrokenCircuitException => "it failed several times in a row; the console asks again in a few seconds",
                TimeoutRejectedException or TaskCanceledException => "it did not answer in time",
                _ => ex.Message,
            };
            return new ApiResult<T>(default, $"The Api at {http.BaseAddress} can't be reached: {why}. "
                + "Is it running? Outside Aspire, set Console__ApiUrl to its address.");
        }
    }

    private static async Task<ApiResult<T>> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            try
            {
                return new ApiResult<T>(await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken), null);
            }
            catch (JsonException ex)
            {
                return new ApiResult<T>(default, $"The Api's answer could not be read: {ex.Message}");
            }
        }
        var (problem, fieldErrors) = await ReadProblemAsync(response, cancellationToken);
        var hint = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            ? " The Api wants an API key: set Console__ApiKey to one of its Api__Keys."
            : "";
        return new ApiResult<T>(default, $"The Api answered {(int)response.StatusCode} {response.ReasonPhrase}{problem.TrimEnd('.')}.{hint}", fieldErrors);
    }

    /// <summary>
    /// The detail (or title) of an application/problem+json answer, which names what was wrong, and its
    /// <c>errors</c> by field when it is a validation problem.
    /// </summary>
    private static async Task<(string Text, IReadOnlyDictionary<string, string[]>? FieldErrors)> ReadProblemAsync(
        HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ("", null);
            }
            var text = (root.TryGetProperty("detail", out var detail) || root.TryGetProperty("title", out detail)) && detail.ValueKind == JsonValueKind.String
                ? $": {detail.GetString()}"
                : "";
            return (text, FieldErrorsOf(root));
        }
        catch (JsonException)
        {
            // Not a problem document: the status code says enough.
            return ("", null);
        }
    }

    private static Dictionary<string, string[]>? FieldErrorsOf(JsonElement problem)
    {
        if (!problem.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var byField = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in errors.EnumerateObject())
        {
            byField[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                ? [.. field.Value.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!)]
                : field.Value.ValueKind == JsonValueKind.String ? [field.Value.GetString()!] : [];
        }
        return byField;
    }
}

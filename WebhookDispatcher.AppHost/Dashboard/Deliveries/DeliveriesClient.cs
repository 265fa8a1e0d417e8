using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.AppHost.Dashboard.Deliveries;

/// <summary>
/// The Deliveries pages talk to the Api over HTTP rather than to the database, so a retry from the dashboard goes
/// through the same code as any other (and publishes the Redis wake-up). In Development the Api needs no API key.
/// Every call answers with an <see cref="ApiResult{T}"/>: the Api being down is a message on the page, not an exception.
/// </summary>
public sealed class DeliveriesClient(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public bool IsConfigured => http.BaseAddress is not null;

    public Task<ApiResult<StatusSummary>> GetStatusSummaryAsync(CancellationToken cancellationToken = default) =>
        GetAsync<StatusSummary>("status/all", cancellationToken);

    public Task<ApiResult<EventPage>> ListEventsAsync(string? status, int limit, CancellationToken cancellationToken = default) =>
        GetAsync<EventPage>(status is null ? $"events?limit={limit}" : $"events?status={Uri.EscapeDataString(status)}&limit={limit}", cancellationToken);

    public Task<ApiResult<EventDetails>> GetEventAsync(Guid id, CancellationToken cancellationToken = default) =>
        GetAsync<EventDetails>($"events/{id}", cancellationToken);

    public Task<ApiResult<DeliveryPage>> ListDeadAsync(int limit, CancellationToken cancellationToken = default) =>
        GetAsync<DeliveryPage>($"deliveries?status=dead&limit={limit}", cancellationToken);

    public Task<ApiResult<List<EndpointHealth>>> GetEndpointHealthAsync(CancellationToken cancellationToken = default) =>
        GetAsync<List<EndpointHealth>>("endpoints/health", cancellationToken);

    /// <summary>POST /deliveries/{id}/retry: a dead delivery gets a fresh budget of attempts.</summary>
    public async Task<ApiResult<RetryAccepted>> RetryAsync(long deliveryId, CancellationToken cancellationToken = default)
    {
        if (!IsConfigured)
        {
            return NotConfigured<RetryAccepted>();
        }
        try
        {
            using var response = await http.PostAsync($"deliveries/{deliveryId}/retry", content: null, cancellationToken);
            return await ReadAsync<RetryAccepted>(response, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return Unreachable<RetryAccepted>(ex);
        }
    }

    private async Task<ApiResult<T>> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        if (!IsConfigured)
        {
            return NotConfigured<T>();
        }
        try
        {
            using var response = await http.GetAsync(path, cancellationToken);
            return await ReadAsync<T>(response, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return Unreachable<T>(ex);
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
        var problem = await ProblemTextAsync(response, cancellationToken);
        var hint = response.StatusCode == HttpStatusCode.Unauthorized
            ? " The Api has API keys configured; the dashboard calls it without one, as Development allows."
            : "";
        // The problem's detail is a sentence with its own full stop: don't add a second.
        return new ApiResult<T>(default, $"The Api answered {(int)response.StatusCode} {response.ReasonPhrase}{problem.TrimEnd('.')}.{hint}");
    }

    private static async Task<string> ProblemTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && (root.TryGetProperty("detail", out var detail) || root.TryGetProperty("title", out detail))
                && detail.ValueKind == JsonValueKind.String)
            {
                return $": {detail.GetString()}";
            }
        }
        catch (JsonException)
        {
            // Not a problem document: the status code says enough.
        }
        return "";
    }

    private static ApiResult<T> NotConfigured<T>() => new(default, "This app model has no Api, so there are no deliveries to show.");

    private ApiResult<T> Unreachable<T>(Exception ex) =>
        new(default, $"The Api at {http.BaseAddress} can't be reached ({ex.Message}). Is the api resource running?");
}

namespace WebhookDispatcher.OperatorConsole.Services;

// The Api's answers about merchant endpoints (Core's Storage/EndpointRecords.cs), as the JSON it writes.

/// <summary>How a merchant's endpoint has fared lately, and what protects it (GET /endpoints/health).</summary>
/// <param name="Pending">Deliveries waiting or in flight, the held ones included.</param>
/// <param name="Held">Deliveries kept, unsent, while the endpoint is disabled; enabling it sends them.</param>
/// <param name="RateLimitPerSecond">Most requests a second the Workers send it together; null for no limit.</param>
public sealed record EndpointHealth(
    Guid EndpointId,
    string MerchantId,
    string Url,
    bool Enabled,
    string? DisabledReason,
    int? RateLimitPerSecond,
    long Pending,
    long Held,
    long Delivered,
    long Dead,
    DateTimeOffset? LastAttemptAt,
    int? LastStatusCode,
    EndpointCircuit? Circuit);

/// <summary>An endpoint's circuit, shared by every Worker.</summary>
/// <param name="State"><see cref="CircuitStates.Closed"/>, <see cref="CircuitStates.Open"/> or <see cref="CircuitStates.HalfOpen"/>.</param>
/// <param name="FailingSince">When the current run of failures began: auto-disable counts from here.</param>
public sealed record EndpointCircuit(string State, DateTimeOffset? OpenUntil, int ConsecutiveFailures, DateTimeOffset? FailingSince, string? LastError);

public static class CircuitStates
{
    public const string Closed = "closed";
    public const string Open = "open";
    public const string HalfOpen = "half_open";
}

/// <summary>An endpoint as PATCH, disable and enable answer it (never with its secret).</summary>
public sealed record MerchantEndpoint(
    Guid Id,
    string MerchantId,
    string Url,
    string? Description,
    IReadOnlyList<string>? EventTypes,
    bool Enabled,
    string? DisabledReason,
    int? RateLimitPerSecond,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>The body of PATCH /merchants/{merchantId}/endpoints/{id} that changes the rate limit alone; null removes it.</summary>
public sealed record RateLimitChange(int? RateLimitPerSecond);

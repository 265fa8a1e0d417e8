namespace WebhookDispatcher.Core.Storage;

/// <summary>A merchant's registered endpoint. The secret is only ever returned when it is created or rotated.</summary>
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

/// <summary>How an endpoint has fared lately: the dashboard's and the on-call's view of a merchant.</summary>
/// <param name="Pending">Deliveries waiting or in flight, the held ones included.</param>
/// <param name="Held">Deliveries kept, unsent, while the endpoint is disabled; enabling it sends them.</param>
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
    EndpointCircuit Circuit);

/// <summary>An endpoint's circuit, shared by every Worker.</summary>
/// <param name="State">closed, open (deliveries wait until <paramref name="OpenUntil"/>) or half_open (one probe decides).</param>
/// <param name="FailingSince">When the current run of failures began: auto-disable counts from here.</param>
public sealed record EndpointCircuit(string State, DateTimeOffset? OpenUntil, int ConsecutiveFailures, DateTimeOffset? FailingSince, string? LastError);

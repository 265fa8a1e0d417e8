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
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>How an endpoint has fared lately: the dashboard's and the on-call's view of a merchant.</summary>
public sealed record EndpointHealth(
    Guid EndpointId,
    string MerchantId,
    string Url,
    bool Enabled,
    long Pending,
    long Delivered,
    long Dead,
    DateTimeOffset? LastAttemptAt,
    int? LastStatusCode);

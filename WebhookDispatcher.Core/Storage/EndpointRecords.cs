namespace WebhookDispatcher.Core.Storage;

/// <summary>A merchant's registered endpoint. The secret is only ever returned when it is created or rotated.</summary>
/// <param name="LegacySignature">Deliveries carry the seeds' body-only X-Signature as well (replayable; off unless asked for).</param>
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
    DateTimeOffset UpdatedAt,
    bool LegacySignature = false);

/// <summary>What a secret rotation did.</summary>
/// <param name="PreviousSecretExpiresAt">Until when the secret replaced keeps signing beside the new one; null: it was revoked at once.</param>
/// <param name="EarlierSecretRevoked">
/// The rotation came inside the overlap of the one before, so the secret before that one, still signing until now,
/// is revoked now: only the replaced secret and the new one sign.
/// </param>
public sealed record SecretRotation(MerchantEndpoint Endpoint, DateTimeOffset? PreviousSecretExpiresAt, bool EarlierSecretRevoked);

/// <summary>What a re-seal did: rows written under <paramref name="ActiveKey"/>, and rows whose secret does not open (left as they are).</summary>
public sealed record SecretReseal(string? ActiveKey, int Resealed, IReadOnlyList<Guid> Unreadable);

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

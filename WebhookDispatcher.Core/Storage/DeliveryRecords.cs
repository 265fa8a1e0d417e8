namespace WebhookDispatcher.Core.Storage;

/// <summary>A delivery a Worker has leased, with everything needed to send it.</summary>
public sealed record ClaimedDelivery(
    long Id,
    Guid EventId,
    Guid? EndpointId,
    string? TargetUrl,
    int AttemptCount,
    int RetryBase,
    string MerchantId,
    string EventType,
    string PayloadJson,
    DateTimeOffset EventCreatedAt,
    string? Traceparent,
    string? EndpointSecret,
    string? EndpointPreviousSecret,
    bool EndpointEnabled);

/// <summary>
/// What became of a claimed delivery. <see cref="Attempted"/> is false when nothing was sent
/// (released at shutdown, deferred by an open circuit, or dropped because its endpoint was disabled).
/// </summary>
public sealed record DeliveryOutcome(
    long DeliveryId,
    int ClaimedAttemptCount,
    string Status,
    TimeSpan RetryDelay,
    bool Attempted,
    int? StatusCode,
    string? Error,
    DateTimeOffset StartedAt,
    double DurationMs);

public sealed record DeliveryAttempt(
    int AttemptNumber,
    DateTimeOffset StartedAt,
    double DurationMs,
    int? StatusCode,
    string? Error,
    string? WorkerId);

public sealed record DeliveryDetails(
    long Id,
    Guid EventId,
    Guid? EndpointId,
    string? TargetUrl,
    string Status,
    int AttemptCount,
    DateTimeOffset? NextAttemptAt,
    int? LastStatusCode,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt,
    IReadOnlyList<DeliveryAttempt> Attempts);

/// <summary>
/// Which dead deliveries a bulk retry puts back to pending: all of them, or those of one merchant or endpoint, and
/// those that went dead within [Since, Until).
/// </summary>
public sealed record BulkRetryFilter(string? MerchantId, Guid? EndpointId, DateTimeOffset? Since, DateTimeOffset? Until);

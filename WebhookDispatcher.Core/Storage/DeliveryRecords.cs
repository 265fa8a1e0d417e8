using WebhookDispatcher.Core.Targets;

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
    string? EndpointSecret, // sealed as stored (SecretSealer); the Worker opens it just before signing
    string? EndpointPreviousSecret,
    bool EndpointEnabled)
{
    /// <summary>The target's key in <c>target_states</c>; null when the delivery has no target at all.</summary>
    public TargetKey? TargetKey { get; init; }

    /// <summary>The endpoint's own limit; null means none set (the Worker applies its default to endpoint-less targets).</summary>
    public int? RateLimitPerSecond { get; init; }

    /// <summary>How long the target's shared circuit stays open (negative: it is half-open); null: closed.</summary>
    public TimeSpan? CircuitOpenFor { get; init; }

    /// <summary>How long a half-open probe by some Worker is still out (negative or null: none).</summary>
    public TimeSpan? ProbeOutFor { get; init; }

    /// <summary>The target's failures in a row when this delivery was claimed.</summary>
    public int ConsecutiveFailures { get; init; }

    /// <summary>The target's streak was reset by hand; its next success must still be counted (and resolve its alert).</summary>
    public bool TargetAwaitingSuccess { get; init; }

    /// <summary>Send the seeds' body-only X-Signature too: the endpoint asked for it, or there is no endpoint (the default target, whose receivers are the seeds').</summary>
    public bool LegacySignature { get; init; }
}

/// <summary>
/// What became of a claimed delivery. <see cref="Attempted"/> is false when nothing was sent (released at shutdown,
/// deferred by an open circuit or a rate limit, or held because its endpoint is disabled).
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
    double DurationMs)
{
    /// <summary>The <see cref="RetryDelay"/> of a delivery held until its endpoint is enabled again.</summary>
    public static readonly TimeSpan Held = Timeout.InfiniteTimeSpan;

    /// <summary>The target, for its shared streak and circuit.</summary>
    public TargetKey? TargetKey { get; init; }

    /// <summary>The target had failures or an open circuit when claimed, so even a success must be counted in.</summary>
    public bool TargetWasFailing { get; init; }

    /// <summary>Whose delivery it was and where it went (null: the default target), for the alerts it may raise.</summary>
    public string? MerchantId { get; init; }

    public string? TargetUrl { get; init; }

    /// <summary>The endpoint answered 410 Gone, so it is to be disabled (only a registered endpoint; never an ad-hoc or the default target).</summary>
    public bool EndpointGone { get; init; }

    public bool Succeeded => Attempted && Status == DeliveryStatus.Delivered;
}

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
    IReadOnlyList<DeliveryAttempt> Attempts)
{
    /// <summary>Its endpoint was deleted: it is not sent again, by hand or in bulk.</summary>
    public bool EndpointDeleted { get; init; }
}

/// <summary>
/// Which dead deliveries a bulk retry puts back to pending: all of them, or those of one merchant or endpoint, and
/// those that went dead within [Since, Until).
/// </summary>
public sealed record BulkRetryFilter(string? MerchantId, Guid? EndpointId, DateTimeOffset? Since, DateTimeOffset? Until);

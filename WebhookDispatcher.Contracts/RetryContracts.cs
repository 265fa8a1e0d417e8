namespace WebhookDispatcher.Contracts;

/// <summary>A retry by hand of one delivery or of one event's dead deliveries: the ids that went back to pending.</summary>
public sealed record RetryAccepted(IReadOnlyList<long> Retried);

/// <summary>
/// The answer to a bulk retry: how many dead deliveries went back to pending, and how many matching ones were left
/// dead because their endpoint was deleted (they are never sent again).
/// </summary>
public sealed record BulkRetryResult(long Retried, long SkippedEndpointDeleted);

/// <summary>How many dead deliveries match a bulk retry's filter now; nothing changed yet.</summary>
public sealed record BulkRetryCount(long Matching);

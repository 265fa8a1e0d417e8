namespace WebhookDispatcher.Contracts;

/// <summary>
/// GET /status/all: deliveries counted by status (<c>total</c> is their sum), and the events that have no delivery
/// at all (<c>unrouted</c>: no endpoint of their merchant subscribes to their type).
/// </summary>
public sealed record StatusSummary(long Pending, long InFlight, long Delivered, long Dead, long Unrouted, long Total);

/// <summary>GET /status/{id}: where an event's delivery stands, in one glance.</summary>
public sealed record EventStatus(
    Guid Id,
    string Status,
    int Deliveries,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? NextAttemptAt,
    int? LastStatusCode,
    string? LastError);

using System.Text.Json.Serialization;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Api.Models;

/// <summary>The answer to POST /events: the event as stored (or as first stored, for a repeat).</summary>
public sealed record EventAccepted(
    Guid Id,
    string Status,
    string MerchantId,
    string Type,
    DateTimeOffset CreatedAt,
    int Deliveries,
    bool Replayed,
    string Message)
{
    public static EventAccepted From(IngestedEvent e) => new(
        e.Id, e.Status, e.MerchantId, e.Type, e.CreatedAt, e.DeliveryCount, e.Replayed,
        e.Replayed ? "Event already accepted with this idempotency key" : "Event accepted for processing");
}

public sealed record BatchAccepted(int Accepted, int Replayed, IReadOnlyList<EventAccepted> Events);

public sealed record EventPage(int Page, int Limit, IReadOnlyList<EventSummary> Events);

/// <summary>GET /events/{id}: one event with its deliveries and every attempt of each.</summary>
/// <param name="Payload">The payload itself, as the producer sent it: written as that JSON, not as a string of it.</param>
public sealed record EventDetailsResponse(
    Guid Id,
    string MerchantId,
    string Type,
    string Status,
    [property: JsonConverter(typeof(RawJsonConverter))] string Payload,
    string? IdempotencyKey,
    string? TargetUrl,
    string? Traceparent,
    DateTimeOffset CreatedAt,
    IReadOnlyList<DeliveryDetails> Deliveries)
{
    public static EventDetailsResponse From(EventDetails e) => new(
        e.Id, e.MerchantId, e.Type, e.Status, e.PayloadJson, e.IdempotencyKey, e.TargetUrl, e.Traceparent, e.CreatedAt, e.Deliveries);
}

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

/// <summary>
/// GET /status/all: deliveries counted by status (<c>total</c> is their sum), and the events that have no delivery
/// at all (<c>unrouted</c>: no endpoint of their merchant subscribes to their type).
/// </summary>
public sealed record StatusSummary(long Pending, long InFlight, long Delivered, long Dead, long Unrouted, long Total);

public sealed record RetryAccepted(IReadOnlyList<long> Retried);

/// <summary>
/// The answer to a bulk retry: how many dead deliveries went back to pending, and how many matching ones were left
/// dead because their endpoint was deleted (they are never sent again).
/// </summary>
public sealed record BulkRetryResult(long Retried, long SkippedEndpointDeleted);

/// <summary>How many dead deliveries match a bulk retry's filter now.</summary>
public sealed record BulkRetryCount(long Matching);

public sealed record DeliveryPage(int Page, int Limit, IReadOnlyList<DeliveryDetails> Deliveries);

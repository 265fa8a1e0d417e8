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

public sealed record DeliveryPage(int Page, int Limit, IReadOnlyList<DeliveryDetails> Deliveries);

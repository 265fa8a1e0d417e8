namespace WebhookDispatcher.Core.Storage;

/// <summary>An event as validated by the Api, about to be stored.</summary>
/// <param name="TargetUrl">An ad-hoc target (the seed's <c>target_url</c>); null routes to the merchant's endpoints.</param>
public sealed record NewEvent(
    Guid Id,
    string MerchantId,
    string Type,
    string PayloadJson,
    string? IdempotencyKey,
    string? TargetUrl,
    string? Traceparent);

/// <summary>What ingestion stored, or found stored already for the same idempotency key.</summary>
public sealed record IngestedEvent(
    Guid Id,
    string MerchantId,
    string Type,
    string PayloadJson,
    string? IdempotencyKey,
    DateTimeOffset CreatedAt,
    int DeliveryCount,
    string Status,
    bool Replayed);

/// <summary>An event in a listing, with the status its deliveries add up to.</summary>
public sealed record EventSummary(
    Guid Id,
    string MerchantId,
    string Type,
    string Status,
    int DeliveryCount,
    DateTimeOffset CreatedAt);

/// <summary>One event with its deliveries and their attempts (GET /events/{id} answers it as the Api's <c>EventDetailsResponse</c>).</summary>
/// <param name="PayloadJson">The payload's JSON text, as stored.</param>
public sealed record EventDetails(
    Guid Id,
    string MerchantId,
    string Type,
    string Status,
    string PayloadJson,
    string? IdempotencyKey,
    string? TargetUrl,
    string? Traceparent,
    DateTimeOffset CreatedAt,
    IReadOnlyList<DeliveryDetails> Deliveries);

using System.Text.Json;

namespace WebhookDispatcher.OperatorConsole.Services;

// The Api's answers that are still Core's storage records there (WebhookDispatcher.Api/Models and Core's Storage
// records), as the JSON it writes. The console keeps copies of these rather than referencing Core: it is deployed on
// its own as a client of the HTTP routes and carries no database code. The answers that are the Api's own come from
// WebhookDispatcher.Contracts instead; a change to one of these copies needs the same change in the Api.

public sealed record EventPage(int Page, int Limit, IReadOnlyList<EventSummary> Events);

/// <summary>An event in a listing, with the status its deliveries add up to.</summary>
public sealed record EventSummary(Guid Id, string MerchantId, string Type, string Status, int DeliveryCount, DateTimeOffset CreatedAt);

/// <param name="Payload">The payload itself: the Api writes it as JSON, not as a string of JSON text.</param>
public sealed record EventDetails(
    Guid Id,
    string MerchantId,
    string Type,
    string Status,
    JsonElement Payload,
    string? IdempotencyKey,
    string? TargetUrl,
    string? Traceparent,
    DateTimeOffset CreatedAt,
    IReadOnlyList<DeliveryDetails> Deliveries);

public sealed record DeliveryPage(int Page, int Limit, IReadOnlyList<DeliveryDetails> Deliveries);

/// <param name="TargetUrl">An ad-hoc target; null when the delivery goes to the merchant's endpoint or the default target.</param>
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

public sealed record DeliveryAttempt(int AttemptNumber, DateTimeOffset StartedAt, double DurationMs, int? StatusCode, string? Error, string? WorkerId);

namespace WebhookDispatcher.Api.Ingestion;

/// <summary>An event as the producer described it, validated, before it has an id.</summary>
public sealed record EventRequest(string MerchantId, string Type, string PayloadJson, string? IdempotencyKey, string? TargetUrl);

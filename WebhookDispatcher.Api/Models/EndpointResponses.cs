using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Api.Models;

/// <summary>An endpoint just registered or whose secret was just rotated: the only answers that carry the secret.</summary>
public sealed record EndpointWithSecret(
    Guid Id,
    string MerchantId,
    string Url,
    string? Description,
    IReadOnlyList<string>? EventTypes,
    bool Enabled,
    int? RateLimitPerSecond,
    DateTimeOffset CreatedAt,
    string Secret)
{
    public static EndpointWithSecret From(MerchantEndpoint e, string secret) =>
        new(e.Id, e.MerchantId, e.Url, e.Description, e.EventTypes, e.Enabled, e.RateLimitPerSecond, e.CreatedAt, secret);
}

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
    string Secret,
    bool LegacySignature)
{
    public static EndpointWithSecret From(MerchantEndpoint e, string secret) =>
        new(e.Id, e.MerchantId, e.Url, e.Description, e.EventTypes, e.Enabled, e.RateLimitPerSecond, e.CreatedAt, secret, e.LegacySignature);
}

/// <summary>
/// The answer to a rotation: the new secret, shown once, and what became of the old ones.
/// </summary>
/// <param name="PreviousSecretExpiresAt">Until when the secret replaced still signs beside the new one; null: it was revoked at once (overlap zero).</param>
/// <param name="EarlierSecretRevoked">
/// True when this rotation came inside the overlap of the one before: the secret before that one, which still
/// signed until now, is revoked now. Only the secret replaced and the new one sign.
/// </param>
public sealed record RotatedEndpointSecret(
    Guid Id,
    string MerchantId,
    string Url,
    bool LegacySignature,
    string Secret,
    DateTimeOffset? PreviousSecretExpiresAt,
    bool EarlierSecretRevoked)
{
    public static RotatedEndpointSecret From(SecretRotation rotation, string secret) =>
        new(rotation.Endpoint.Id, rotation.Endpoint.MerchantId, rotation.Endpoint.Url, rotation.Endpoint.LegacySignature, secret,
            rotation.PreviousSecretExpiresAt, rotation.EarlierSecretRevoked);
}

/// <summary>What a re-seal did: rows written under the active key, and the endpoints whose secret does not open.</summary>
public sealed record SecretResealResponse(string? ActiveKey, int Resealed, IReadOnlyList<Guid> Unreadable);

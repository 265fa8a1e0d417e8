using System.Security.Cryptography;

namespace WebhookDispatcher.Core.Signing;

/// <summary>
/// A Standard Webhooks signing secret: <c>whsec_</c> followed by base64 of the key bytes.
/// The HMAC is keyed with the decoded bytes, never with the text.
/// </summary>
public sealed class WebhookSecret
{
    public const string Prefix = "whsec_";
    private const int GeneratedKeyBytes = 32;

    private WebhookSecret(string text, byte[] key)
    {
        Text = text;
        Key = key;
    }

    /// <summary>The secret as shown to the merchant, <c>whsec_…</c>.</summary>
    public string Text { get; }

    public byte[] Key { get; }

    public static WebhookSecret Generate()
    {
        var key = RandomNumberGenerator.GetBytes(GeneratedKeyBytes);
        return new WebhookSecret(Prefix + Convert.ToBase64String(key), key);
    }

    /// <summary>Parses a secret; the prefix is optional, as in the reference libraries.</summary>
    public static bool TryParse(string? text, out WebhookSecret secret)
    {
        secret = null!;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var encoded = text.StartsWith(Prefix, StringComparison.Ordinal) ? text[Prefix.Length..] : text;
        var buffer = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, buffer, out var written) || written < 16)
        {
            return false;
        }
        secret = new WebhookSecret(Prefix + encoded, buffer[..written]);
        return true;
    }

    public static WebhookSecret Parse(string text) =>
        TryParse(text, out var secret)
            ? secret
            : throw new FormatException("A signing secret is 'whsec_' followed by base64 of at least 16 bytes.");

    public override string ToString() => Prefix + "…";
}

using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WebhookDispatcher.Core.Signing;

/// <summary>
/// Signs and verifies webhook bodies two ways, both keyed with the secret's bytes:
/// the Standard Webhooks <c>webhook-signature</c> (HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c>, base64,
/// prefixed <c>v1,</c>) which binds the timestamp and so resists replay, and the seeds'
/// <c>X-Signature: sha256=&lt;hex HMAC of the body&gt;</c> for receivers written against them.
/// </summary>
public static class WebhookSigner
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    public const string LegacySignatureHeader = "X-Signature";

    /// <summary>The <c>v1,&lt;base64&gt;</c> signature of one secret.</summary>
    public static string Sign(WebhookSecret secret, string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        ComputeStandardMac(secret.Key, webhookId, timestamp, body, mac);
        return "v1," + Convert.ToBase64String(mac);
    }

    /// <summary>The header value: one signature per secret, space separated (several while a secret rotates).</summary>
    public static string SignAll(IReadOnlyList<WebhookSecret> secrets, string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        if (secrets.Count == 1)
        {
            return Sign(secrets[0], webhookId, timestamp, body);
        }
        var builder = new StringBuilder();
        foreach (var secret in secrets)
        {
            if (builder.Length > 0)
            {
                builder.Append(' ');
            }
            builder.Append(Sign(secret, webhookId, timestamp, body));
        }
        return builder.ToString();
    }

    /// <summary>The seeds' <c>sha256=&lt;hex&gt;</c> signature of the body alone.</summary>
    public static string SignLegacy(WebhookSecret secret, ReadOnlySpan<byte> body)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(secret.Key, body, mac);
        return "sha256=" + Convert.ToHexStringLower(mac);
    }

    /// <summary>
    /// Verifies a <c>webhook-signature</c> header against one secret: true if any <c>v1</c> signature in it
    /// matches (compared in constant time) and the timestamp is within <paramref name="tolerance"/> of now.
    /// </summary>
    public static bool Verify(WebhookSecret secret, string? webhookId, string? timestampText, string? signatureHeader,
        ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(webhookId) || string.IsNullOrEmpty(signatureHeader)
            || !long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            return false;
        }
        var age = now.ToUnixTimeSeconds() - timestamp;
        if (Math.Abs(age) > tolerance.TotalSeconds)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        ComputeStandardMac(secret.Key, webhookId, timestamp, body, expected);
        Span<byte> candidate = stackalloc byte[HMACSHA256.HashSizeInBytes];
        foreach (var part in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith("v1,", StringComparison.Ordinal)
                && Convert.TryFromBase64String(part[3..], candidate, out var written)
                && written == candidate.Length
                && CryptographicOperations.FixedTimeEquals(candidate, expected))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Verifies the seeds' <c>X-Signature: sha256=&lt;hex&gt;</c>, in constant time.</summary>
    public static bool VerifyLegacy(WebhookSecret secret, string? header, ReadOnlySpan<byte> body)
    {
        if (header is null || !header.StartsWith("sha256=", StringComparison.Ordinal) || header.Length != 7 + 64)
        {
            return false;
        }
        Span<byte> candidate = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (Convert.FromHexString(header.AsSpan(7), candidate, out _, out var written) != OperationStatus.Done || written != candidate.Length)
        {
            return false;
        }
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(secret.Key, body, expected);
        return CryptographicOperations.FixedTimeEquals(candidate, expected);
    }

    private static void ComputeStandardMac(byte[] key, string webhookId, long timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        // "{id}.{timestamp}." then the body, fed to one incremental HMAC so the body is never copied.
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        var prefixLength = Encoding.UTF8.GetByteCount(webhookId) + 22;
        var rented = ArrayPool<byte>.Shared.Rent(prefixLength);
        try
        {
            var written = Encoding.UTF8.GetBytes(webhookId, rented);
            rented[written++] = (byte)'.';
            Utf8Formatter.TryFormat(timestamp, rented.AsSpan(written), out var digits);
            written += digits;
            rented[written++] = (byte)'.';
            hmac.AppendData(rented, 0, written);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
        hmac.AppendData(body);
        hmac.GetHashAndReset(destination);
    }
}

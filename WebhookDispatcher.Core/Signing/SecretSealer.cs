using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace WebhookDispatcher.Core.Signing;

/// <summary>
/// Seals endpoint signing secrets for storage with AES-256-GCM under a key-encryption key from configuration, and
/// opens them again. A sealed value is text, <c>v1:&lt;key id&gt;:&lt;base64 of nonce | ciphertext | tag&gt;</c>, so it fits
/// the columns that held plaintext and says which key opens it. The associated data binds it to its endpoint's row:
/// copied into another endpoint's row it does not open. It is bound to the row and not to the column because a
/// rotation moves the current secret into <c>previous_secret</c> in one UPDATE, with no need to open it.
/// A value that does not start with <c>v1:</c> is plaintext from before sealing (a <c>whsec_</c> secret), read as is
/// until the re-seal seals it.
/// </summary>
public sealed partial class SecretSealer
{
    public const string FormatPrefix = "v1:";
    public const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly Dictionary<string, byte[]> _keys;

    public SecretSealer(IOptions<SecretSealingOptions> options)
    {
        var settings = options.Value;
        if (Problem(settings) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }
        _keys = settings.Keys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value), StringComparer.Ordinal);
        ActiveKeyId = _keys.Count == 0 ? null : settings.ActiveKey;
    }

    /// <summary>The key new secrets are sealed with; null when no key is configured (Development only: secrets are stored as given).</summary>
    public string? ActiveKeyId { get; }

    public bool CanSeal => ActiveKeyId is not null;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex KeyIdPattern();

    /// <summary>What is wrong with the settings, or null. No keys at all is left to the caller to allow (Development) or refuse.</summary>
    public static string? Problem(SecretSealingOptions settings)
    {
        if (settings.Keys.Count == 0)
        {
            return settings.ActiveKey is null ? null : $"Secrets:ActiveKey is '{settings.ActiveKey}' but no Secrets:Keys are set.";
        }
        foreach (var (id, value) in settings.Keys)
        {
            if (!KeyIdPattern().IsMatch(id))
            {
                return $"Secrets:Keys:{id}: a key id is 1 to 32 letters, digits, _ or -.";
            }
            var buffer = new byte[value.Length];
            if (!Convert.TryFromBase64String(value, buffer, out var written) || written != KeyBytes)
            {
                return $"Secrets:Keys:{id} must be base64 of {KeyBytes} bytes (e.g. openssl rand -base64 32).";
            }
        }
        if (settings.ActiveKey is null || !settings.Keys.ContainsKey(settings.ActiveKey))
        {
            return "Secrets:ActiveKey must name one of Secrets:Keys: new secrets are sealed with it.";
        }
        return null;
    }

    /// <summary>Seals <paramref name="secret"/> for the row of endpoint <paramref name="endpointId"/> under the active key.</summary>
    public string Seal(string secret, Guid endpointId)
    {
        if (ActiveKeyId is not { } keyId)
        {
            return secret;
        }
        var plaintext = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceBytes + plaintext.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(_keys[keyId], TagBytes))
        {
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceBytes, plaintext.Length), sealedBytes.AsSpan(NonceBytes + plaintext.Length), AssociatedData(keyId, endpointId));
        }
        CryptographicOperations.ZeroMemory(plaintext);
        return $"{FormatPrefix}{keyId}:{Convert.ToBase64String(sealedBytes)}";
    }

    /// <summary>The secret sealed in <paramref name="stored"/> for endpoint <paramref name="endpointId"/>; plaintext from before sealing is returned as is.</summary>
    /// <exception cref="SecretUnsealException">The value does not open: tampered, another row's, or sealed under an unknown key.</exception>
    public string Unseal(string stored, Guid endpointId)
    {
        if (!IsSealed(stored))
        {
            return stored;
        }
        var rest = stored.AsSpan(FormatPrefix.Length);
        var colon = rest.IndexOf(':');
        if (colon <= 0)
        {
            throw new SecretUnsealException("The sealed secret has no key id.");
        }
        var keyId = rest[..colon].ToString();
        if (!_keys.TryGetValue(keyId, out var key))
        {
            throw new SecretUnsealException($"The secret is sealed under key '{keyId}', which is not in Secrets:Keys.");
        }
        var encoded = rest[(colon + 1)..];
        var sealedBytes = new byte[Base64.GetMaxDecodedFromUtf8Length(encoded.Length)];
        if (!Convert.TryFromBase64Chars(encoded, sealedBytes, out var length) || length < NonceBytes + TagBytes)
        {
            throw new SecretUnsealException("The sealed secret is not valid base64 of a nonce, ciphertext and tag.");
        }
        var ciphertextLength = length - NonceBytes - TagBytes;
        var plaintext = new byte[ciphertextLength];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, ciphertextLength),
                sealedBytes.AsSpan(NonceBytes + ciphertextLength, TagBytes), plaintext, AssociatedData(keyId, endpointId));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new SecretUnsealException($"The sealed secret does not open under key '{keyId}' for this endpoint: it was altered or belongs to another row.");
        }
        var secret = Encoding.UTF8.GetString(plaintext);
        CryptographicOperations.ZeroMemory(plaintext);
        return secret;
    }

    public static bool IsSealed(string stored) => stored.StartsWith(FormatPrefix, StringComparison.Ordinal);

    /// <summary>Whether <paramref name="stored"/> is sealed under the active key (so the re-seal can leave it).</summary>
    public bool IsUnderActiveKey(string? stored) =>
        stored is null || ActiveKeyId is null || stored.StartsWith(ActivePrefix, StringComparison.Ordinal);

    /// <summary>The start of every value sealed under the active key.</summary>
    public string ActivePrefix => $"{FormatPrefix}{ActiveKeyId}:";

    // The format, the key and the row: none of them can be swapped without the tag failing.
    private static byte[] AssociatedData(string keyId, Guid endpointId) =>
        Encoding.UTF8.GetBytes($"{FormatPrefix}{keyId}:merchant_endpoints:{endpointId:D}");
}

using System.Security.Cryptography;

namespace WebhookDispatcher.Core.Signing;

/// <summary>A stored secret that cannot be read back: tampered, moved from another row, or sealed under a key this process lacks.</summary>
public sealed class SecretUnsealException(string message) : CryptographicException(message);

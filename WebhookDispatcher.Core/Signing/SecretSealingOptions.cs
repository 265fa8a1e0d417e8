namespace WebhookDispatcher.Core.Signing;

/// <summary>
/// The <c>Secrets</c> section: the key-encryption keys that seal endpoint signing secrets at rest.
/// <c>Secrets:Keys:&lt;id&gt;</c> is base64 of 32 bytes; <c>Secrets:ActiveKey</c> names the one new secrets are sealed
/// with. Older keys stay listed so what they sealed stays readable until the re-seal command moves it on.
/// </summary>
public sealed class SecretSealingOptions
{
    public const string SectionName = "Secrets";

    public Dictionary<string, string> Keys { get; set; } = [];

    public string? ActiveKey { get; set; }
}

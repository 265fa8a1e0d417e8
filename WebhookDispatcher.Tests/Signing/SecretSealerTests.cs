using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using WebhookDispatcher.Core.Signing;

namespace WebhookDispatcher.Tests.Signing;

/// <summary>
/// Endpoint signing secrets at rest: sealed with AES-256-GCM under a key from configuration, bound to their row,
/// and still readable under an older key after a new one is made active.
/// </summary>
public sealed class SecretSealerTests
{
    private static readonly string KeyOne = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string KeyTwo = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    internal static SecretSealer Sealer(string active, params (string Id, string Key)[] keys) =>
        new(Options.Create(new SecretSealingOptions { Keys = keys.ToDictionary(k => k.Id, k => k.Key), ActiveKey = active }));

    private readonly SecretSealer _sealer = Sealer("k1", ("k1", KeyOne));
    private readonly string _secret = WebhookSecret.Generate().Text;
    private readonly Guid _endpoint = Guid.CreateVersion7();

    [Fact]
    public void ASealedSecret_OpensToWhatWasSealed_AndHoldsNothingOfIt()
    {
        var stored = _sealer.Seal(_secret, _endpoint);

        Assert.StartsWith("v1:k1:", stored);
        Assert.DoesNotContain("whsec_", stored);
        Assert.DoesNotContain(_secret["whsec_".Length..], stored);
        Assert.Equal(_secret, _sealer.Unseal(stored, _endpoint));
    }

    [Fact]
    public void EachSeal_HasItsOwnNonce_SoTheSameSecretNeverSealsAlike()
    {
        Assert.NotEqual(_sealer.Seal(_secret, _endpoint), _sealer.Seal(_secret, _endpoint));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(12)]
    [InlineData(-1)]
    public void ATamperedSealedSecret_IsRefused(int byteFlipped)
    {
        var stored = _sealer.Seal(_secret, _endpoint);
        var bytes = Convert.FromBase64String(stored["v1:k1:".Length..]);
        var at = byteFlipped < 0 ? bytes.Length - 1 : byteFlipped; // nonce, ciphertext, tag
        bytes[at] ^= 0x01;

        Assert.Throws<SecretUnsealException>(() => _sealer.Unseal("v1:k1:" + Convert.ToBase64String(bytes), _endpoint));
    }

    [Fact]
    public void ASealedSecretCopiedIntoAnotherEndpointsRow_IsRefused()
    {
        var stored = _sealer.Seal(_secret, _endpoint);

        Assert.Throws<SecretUnsealException>(() => _sealer.Unseal(stored, Guid.CreateVersion7()));
    }

    [Fact]
    public void ASealedSecretRelabelledWithAnotherKeyId_IsRefused()
    {
        var both = Sealer("k1", ("k1", KeyOne), ("k2", KeyTwo));
        var stored = both.Seal(_secret, _endpoint);

        Assert.Throws<SecretUnsealException>(() => both.Unseal("v1:k2:" + stored["v1:k1:".Length..], _endpoint));
    }

    [Fact]
    public void AfterANewKeyIsMadeActive_NewSecretsUseIt_AndTheOldKeysStillOpen()
    {
        var sealedUnderOne = _sealer.Seal(_secret, _endpoint);
        var rotated = Sealer("k2", ("k1", KeyOne), ("k2", KeyTwo));

        Assert.Equal(_secret, rotated.Unseal(sealedUnderOne, _endpoint));
        Assert.StartsWith("v1:k2:", rotated.Seal(_secret, _endpoint));
        Assert.False(rotated.IsUnderActiveKey(sealedUnderOne));
    }

    [Fact]
    public void ASecretSealedUnderAKeyNoLongerConfigured_IsRefused_NamingTheKey()
    {
        var stored = _sealer.Seal(_secret, _endpoint);
        var withoutOne = Sealer("k2", ("k2", KeyTwo));

        var refused = Assert.Throws<SecretUnsealException>(() => withoutOne.Unseal(stored, _endpoint));
        Assert.Contains("'k1'", refused.Message);
    }

    [Fact]
    public void PlaintextFromBeforeSealing_IsReadAsIs()
    {
        Assert.Equal(_secret, _sealer.Unseal(_secret, _endpoint));
    }

    [Theory]
    [InlineData("short", "k1", "base64 of 32 bytes")]
    [InlineData("", "k1", "base64 of 32 bytes")]
    [InlineData(null, "k9", "Secrets:ActiveKey")]
    [InlineData(null, null, "Secrets:ActiveKey")]
    public void BadKeySettings_AreRefused_NamingTheSetting(string? key, string? active, string expected)
    {
        var options = new SecretSealingOptions { Keys = new() { ["k1"] = key ?? KeyOne }, ActiveKey = active };

        Assert.Contains(expected, SecretSealer.Problem(options));
        Assert.Throws<InvalidOperationException>(() => new SecretSealer(Options.Create(options)));
    }

    [Fact]
    public void NoKeys_IsRefusedOutsideDevelopment_AndAllowedInIt()
    {
        var none = new SecretSealingOptions();

        Assert.True(new SecretSealingOptionsValidator(keysRequired: true).Validate(null, none).Failed);
        Assert.True(new SecretSealingOptionsValidator(keysRequired: false).Validate(null, none).Succeeded);
    }

    [Fact]
    public void TheKeyTheAppHostGenerates_IsBase64Of32Bytes()
    {
        // 43 letters and digits and '=', as the AppHost's secrets-key parameter makes it.
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        for (var i = 0; i < 50; i++)
        {
            var key = RandomNumberGenerator.GetString(Alphabet, 43) + "=";
            Assert.Null(SecretSealer.Problem(new SecretSealingOptions { Keys = new() { ["k1"] = key }, ActiveKey = "k1" }));
        }
    }
}

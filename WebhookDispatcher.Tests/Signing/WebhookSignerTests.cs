using System.Text;
using WebhookDispatcher.Core.Signing;

namespace WebhookDispatcher.Tests.Signing;

public class WebhookSignerTests
{
    // The Standard Webhooks specification's published test vector: a receiver using any Standard Webhooks
    // library verifies what we send only if we reproduce it exactly.
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private const string SpecBody = "{\"test\": 2432232314}";
    private const string SpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static readonly DateTimeOffset SpecNow = DateTimeOffset.FromUnixTimeSeconds(SpecTimestamp);
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    [Fact]
    public void Sign_ReproducesTheSpecificationTestVector()
    {
        var signature = WebhookSigner.Sign(WebhookSecret.Parse(SpecSecret), SpecId, SpecTimestamp, Encoding.UTF8.GetBytes(SpecBody));

        Assert.Equal(SpecSignature, signature);
    }

    [Fact]
    public void Verify_AcceptsTheSpecificationTestVector()
    {
        Assert.True(WebhookSigner.Verify(WebhookSecret.Parse(SpecSecret), SpecId, SpecTimestamp.ToString(), SpecSignature,
            Encoding.UTF8.GetBytes(SpecBody), SpecNow, Tolerance));
    }

    [Theory]
    [InlineData("{\"test\": 2432232315}", SpecId, "1614265330")] // body changed
    [InlineData(SpecBody, "msg_other", "1614265330")]           // id changed
    [InlineData(SpecBody, SpecId, "1614265331")]                 // timestamp changed
    public void Verify_RejectsAnythingTampered(string body, string id, string timestamp)
    {
        Assert.False(WebhookSigner.Verify(WebhookSecret.Parse(SpecSecret), id, timestamp, SpecSignature,
            Encoding.UTF8.GetBytes(body), SpecNow, Tolerance));
    }

    [Fact]
    public void Verify_RejectsAStaleTimestamp_EvenWithAValidSignature()
    {
        var later = SpecNow + TimeSpan.FromMinutes(6);

        Assert.False(WebhookSigner.Verify(WebhookSecret.Parse(SpecSecret), SpecId, SpecTimestamp.ToString(), SpecSignature,
            Encoding.UTF8.GetBytes(SpecBody), later, Tolerance));
    }

    [Fact]
    public void SignAll_DuringRotation_GivesOneSignaturePerSecret_AndEitherSecretVerifies()
    {
        var current = WebhookSecret.Generate();
        var previous = WebhookSecret.Parse(SpecSecret);
        var body = Encoding.UTF8.GetBytes(SpecBody);

        var header = WebhookSigner.SignAll([current, previous], SpecId, SpecTimestamp, body);

        Assert.Equal(2, header.Split(' ').Length);
        Assert.Contains(SpecSignature, header.Split(' '));
        Assert.True(WebhookSigner.Verify(current, SpecId, SpecTimestamp.ToString(), header, body, SpecNow, Tolerance));
        Assert.True(WebhookSigner.Verify(previous, SpecId, SpecTimestamp.ToString(), header, body, SpecNow, Tolerance));
        Assert.False(WebhookSigner.Verify(WebhookSecret.Generate(), SpecId, SpecTimestamp.ToString(), header, body, SpecNow, Tolerance));
    }

    [Fact]
    public void LegacySignature_IsHexHmacOfTheBody_KeyedWithTheSecretBytes()
    {
        var secret = WebhookSecret.Parse(SpecSecret);
        var body = Encoding.UTF8.GetBytes(SpecBody);
        var expected = "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(secret.Key, body));

        var header = WebhookSigner.SignLegacy(secret, body);

        Assert.Equal(expected, header);
        Assert.True(WebhookSigner.VerifyLegacy(secret, header, body));
        Assert.False(WebhookSigner.VerifyLegacy(secret, header, Encoding.UTF8.GetBytes(SpecBody + " ")));
        Assert.False(WebhookSigner.VerifyLegacy(secret, "sha256=zz", body));
        Assert.False(WebhookSigner.VerifyLegacy(secret, null, body));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("whsec_")]
    [InlineData("whsec_not base64!")]
    [InlineData("whsec_c2hvcnQ=")] // 5 bytes: too short to be a key
    public void SecretParse_RefusesWhatIsNotAKey(string? text)
    {
        Assert.False(WebhookSecret.TryParse(text, out _));
    }

    [Fact]
    public void GeneratedSecret_RoundTripsThroughItsText()
    {
        var secret = WebhookSecret.Generate();

        Assert.StartsWith("whsec_", secret.Text);
        Assert.Equal(secret.Key, WebhookSecret.Parse(secret.Text).Key);
        Assert.Equal(32, secret.Key.Length);
    }
}

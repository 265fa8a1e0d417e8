using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using WebhookDispatcher.Core.Signing;
using WebhookDispatcher.MockReceiver.Services;

namespace WebhookDispatcher.Tests.Signing;

/// <summary>
/// The MockReceiver verifies with a merchant's Standard Webhooks library: what the Worker's signer sends must pass
/// it, through rotation and several trusted secrets, and anything tampered with must not. The library checks its
/// own 5-minute window on the system clock, so these sign with the real time.
/// </summary>
public class ReceiverVerificationTests
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"evt_1","type":"payment.succeeded","data":{"amount":4999,"currency":"INR"}}""");

    private readonly WebhookSecret _secret = WebhookSecret.Generate();
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    private static HeaderDictionary Headers(string id, long timestamp, string signature, string legacy) => new()
    {
        [WebhookSigner.IdHeader] = id,
        [WebhookSigner.TimestampHeader] = timestamp.ToString(CultureInfo.InvariantCulture),
        [WebhookSigner.SignatureHeader] = signature,
        [WebhookSigner.LegacySignatureHeader] = legacy,
    };

    /// <summary>The headers the Worker sends: one signature per secret, X-Signature with the first.</summary>
    private HeaderDictionary Signed(IReadOnlyList<WebhookSecret> signers, string id = "evt_1", long? timestamp = null, byte[]? body = null)
    {
        var at = timestamp ?? _now.ToUnixTimeSeconds();
        return Headers(id, at, WebhookSigner.SignAll(signers, id, at, body ?? Body), WebhookSigner.SignLegacy(signers[0], body ?? Body));
    }

    private bool Verify(IReadOnlyList<WebhookSecret> trusted, HeaderDictionary headers, byte[]? body = null, TimeSpan? tolerance = null) =>
        SignatureVerifier.Verify(trusted, headers, body ?? Body, _now, tolerance ?? Tolerance);

    [Fact]
    public void WhatTheWorkerSends_Verifies()
    {
        Assert.True(Verify([_secret], Signed([_secret])));
    }

    [Fact]
    public void TheSpecificationsOwnSignature_Verifies()
    {
        // Signed independently of our signer (the spec's algorithm, by hand), so the library isn't just agreeing with us.
        var at = _now.ToUnixTimeSeconds();
        var mac = System.Security.Cryptography.HMACSHA256.HashData(_secret.Key, Encoding.UTF8.GetBytes($"evt_1.{at}.").Concat(Body).ToArray());

        Assert.True(Verify([_secret], Headers("evt_1", at, "v1," + Convert.ToBase64String(mac), WebhookSigner.SignLegacy(_secret, Body))));
    }

    [Fact]
    public void DuringRotation_EachOfSeveralSignaturesIsTried_NotJustTheFirst()
    {
        var other = WebhookSecret.Generate();
        var at = _now.ToUnixTimeSeconds();
        // Ours is the second of two; X-Signature is ours.
        var header = WebhookSigner.SignAll([other, _secret], "evt_1", at, Body);

        Assert.True(Verify([_secret], Headers("evt_1", at, header, WebhookSigner.SignLegacy(_secret, Body))));
    }

    [Fact]
    public void AfterARotation_AReceiverTrustingBothSecrets_Verifies()
    {
        var previous = WebhookSecret.Generate();
        var current = WebhookSecret.Generate();

        Assert.True(Verify([previous, current], Signed([current, previous])));
    }

    [Fact]
    public void AReceiverTrustingSeveralSecrets_VerifiesWithWhicheverSigned()
    {
        var endpointSecret = WebhookSecret.Generate();

        Assert.True(Verify([_secret, endpointSecret], Signed([endpointSecret])));
        Assert.True(Verify([_secret, endpointSecret], Signed([_secret])));
    }

    public static TheoryData<string> Tampering => ["body", "id", "timestamp", "forged", "legacy forged", "wrong key", "empty signature", "no v1", "no headers"];

    [Theory]
    [MemberData(nameof(Tampering))]
    public void AnythingTampered_IsRefused(string how)
    {
        var at = _now.ToUnixTimeSeconds();
        var signature = WebhookSigner.Sign(_secret, "evt_1", at, Body);
        var legacy = WebhookSigner.SignLegacy(_secret, Body);
        var (headers, body) = how switch
        {
            "body" => (Headers("evt_1", at, signature, legacy), Encoding.UTF8.GetBytes("""{"id":"evt_1","amount":1}""")),
            "id" => (Headers("evt_2", at, signature, legacy), Body),
            "timestamp" => (Headers("evt_1", at + 1, signature, legacy), Body),
            "forged" => (Headers("evt_1", at, "v1," + Convert.ToBase64String(new byte[32]), legacy), Body),
            "legacy forged" => (Headers("evt_1", at, signature, "sha256=" + new string('0', 64)), Body),
            "wrong key" => (Signed([WebhookSecret.Generate()]), Body),
            "empty signature" => (Headers("evt_1", at, "v1,", legacy), Body),
            "no v1" => (Headers("evt_1", at, "v2," + signature[3..], legacy), Body),
            _ => (new HeaderDictionary(), Body),
        };

        Assert.False(Verify([_secret], headers, body));
    }

    [Fact]
    public void AnEndpointWithoutLegacySignature_IsVerifiedByTheStandardSignatureAlone()
    {
        var at = _now.ToUnixTimeSeconds();
        var signature = WebhookSigner.Sign(_secret, "evt_1", at, Body);

        Assert.True(Verify([_secret], Headers("evt_1", at, signature, "")));
        Assert.False(Verify([_secret], Headers("evt_1", at, "v1," + Convert.ToBase64String(new byte[32]), "")));
    }

    [Fact]
    public void BytesThatAreNotUtf8_AreRefused()
    {
        byte[] body = [0x7b, 0xff, 0xfe, 0x7d];

        Assert.False(Verify([_secret], Signed([_secret], body: body), body));
    }

    [Fact]
    public void AStaleTimestamp_IsRefused_EvenSignedRight_ByTheReceiversOwnWindow()
    {
        // A minute old: inside the library's 5 minutes, outside the 3 s window the receiver is configured with.
        var stale = _now.ToUnixTimeSeconds() - 60;

        Assert.True(Verify([_secret], Signed([_secret], timestamp: stale)));
        Assert.False(Verify([_secret], Signed([_secret], timestamp: stale), tolerance: TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void NoTrustedSecret_NothingVerifies()
    {
        Assert.False(Verify([], Signed([_secret])));
    }
}

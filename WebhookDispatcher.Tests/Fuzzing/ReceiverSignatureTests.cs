using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebhookDispatcher.Core.Signing;
using WebhookDispatcher.Tests.Infrastructure;

namespace WebhookDispatcher.Tests.Fuzzing;

/// <summary>
/// The MockReceiver verifies like a careful merchant: tampered bodies, ids, timestamps and signatures are 401;
/// a replay outside the timestamp window is 401; a replay inside it is the at-least-once retry, accepted and
/// counted as a duplicate.
/// </summary>
[Collection(SecuredAppCollection.Name)]
public sealed class ReceiverSignatureTests(SecuredAppFixture app)
{
    private const int Cases = 500;

    [Fact]
    public async Task TamperedWebhooks_AreRefused_AndCountedAsBadSignatures()
    {
        var secret = WebhookSecret.Generate();
        using (var trust = await app.Receiver.PostAsJsonAsync("/secrets", new { secret = secret.Text }))
        {
            trust.EnsureSuccessStatusCode();
        }
        await app.SetReceiverChaosAsync(0, 0);
        var random = new Random(7);
        var before = await BadSignaturesAsync();
        var refused = 0;

        for (var i = 0; i < Cases; i++)
        {
            var (id, timestamp, body) = ($"evt_{i}", DateTimeOffset.UtcNow.ToUnixTimeSeconds(), Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"));
            var signature = WebhookSigner.Sign(secret, id, timestamp, body);
            var legacy = WebhookSigner.SignLegacy(secret, body);
            switch (i % 7)
            {
                case 0: body = Encoding.UTF8.GetBytes($"{{\"n\":{i + 1}}}"); break;                   // body changed
                case 1: id += "x"; break;                                                               // id changed
                case 2: timestamp += 1; break;                                                          // timestamp changed
                case 3: signature = "v1," + Convert.ToBase64String(RandomBytes(random, 32)); break;   // forged
                case 4: legacy = "sha256=" + Convert.ToHexStringLower(RandomBytes(random, 32)); break; // legacy forged
                case 5: signature = WebhookSigner.Sign(WebhookSecret.Generate(), id, timestamp, body); break; // wrong key
                case 6: timestamp -= 60; signature = WebhookSigner.Sign(secret, id, timestamp, body); break; // stale, signed right
            }
            using var response = await SendAsync(id, timestamp, signature, legacy, body);
            refused += response.StatusCode == HttpStatusCode.Unauthorized ? 1 : 0;
        }

        Assert.Equal(Cases, refused);
        Assert.Equal(before + Cases, await BadSignaturesAsync());
    }

    [Fact]
    public async Task AReplay_IsADuplicateInsideTheWindow_AndRefusedOutsideIt()
    {
        var secret = WebhookSecret.Generate();
        using (var trust = await app.Receiver.PostAsJsonAsync("/secrets", new { secret = secret.Text }))
        {
            trust.EnsureSuccessStatusCode();
        }
        await app.SetReceiverChaosAsync(0, 0);
        var id = $"evt_replay_{Guid.NewGuid():N}";
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var body = Encoding.UTF8.GetBytes("{\"replay\":true}");
        var signature = WebhookSigner.Sign(secret, id, timestamp, body);
        var legacy = WebhookSigner.SignLegacy(secret, body);
        var duplicatesBefore = await StatAsync("duplicates");

        using var first = await SendAsync(id, timestamp, signature, legacy, body);
        using var replayed = await SendAsync(id, timestamp, signature, legacy, body);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Equal(duplicatesBefore + 1, await StatAsync("duplicates"));

        await Task.Delay(TimeSpan.FromSeconds(5)); // past the 3 s window this receiver is given
        using var late = await SendAsync(id, timestamp, signature, legacy, body);
        Assert.Equal(HttpStatusCode.Unauthorized, late.StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(string id, long timestamp, string signature, string legacy, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhook") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TryAddWithoutValidation(WebhookSigner.IdHeader, id);
        request.Headers.TryAddWithoutValidation(WebhookSigner.TimestampHeader, timestamp.ToString());
        request.Headers.TryAddWithoutValidation(WebhookSigner.SignatureHeader, signature);
        request.Headers.TryAddWithoutValidation(WebhookSigner.LegacySignatureHeader, legacy);
        return await app.Receiver.SendAsync(request);
    }

    private Task<long> BadSignaturesAsync() => StatAsync("badSignatures");

    private async Task<long> StatAsync(string name)
    {
        using var stats = await app.Receiver.GetFromJsonAsync<JsonDocument>("/stats");
        return stats!.RootElement.GetProperty(name).GetInt64();
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}

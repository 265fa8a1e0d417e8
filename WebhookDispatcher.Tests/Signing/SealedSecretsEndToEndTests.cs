using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Npgsql;
using WebhookDispatcher.Core.Signing;
using WebhookDispatcher.Tests.Infrastructure;

namespace WebhookDispatcher.Tests.Signing;

/// <summary>
/// Signing secrets through the running system: sealed at rest (a database dump shows neither the secrets nor the
/// key that seals them) while every delivery still verifies; rotation's overlap; X-Signature only where asked for;
/// and a stored secret that does not open ends its delivery dead, once, instead of looping on lease expiry.
/// </summary>
[Collection(EngineAppCollection.Name)]
public sealed class SealedSecretsEndToEndTests(EngineAppFixture app)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task ADatabaseDump_HoldsNeitherTheSecretsNorTheirKey_AndEveryDeliveryStillVerifies()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var merchant = Merchant();
        var secrets = new List<(Guid Endpoint, string Secret)>();
        for (var i = 0; i < 3; i++)
        {
            using var endpoint = await CreateEndpointAsync(merchant, new { url = receiver.Url + $"hook/{i}" });
            secrets.Add((endpoint.RootElement.GetProperty("id").GetGuid(), endpoint.RootElement.GetProperty("secret").GetString()!));
        }

        await PostEventAsync(merchant);
        await EngineAppFixture.EventuallyAsync(() => Task.FromResult(receiver.Arrivals.Count >= 3), "each endpoint has its delivery", Patience);
        for (var i = 0; i < 3; i++)
        {
            var arrival = Assert.Single(receiver.ArrivalsAt($"/hook/{i}"));
            Assert.True(Verifies(secrets[i].Secret, arrival), $"the delivery to endpoint {i} verifies with the secret the Api returned");
        }

        var dump = await DumpDatabaseAsync();
        Assert.Contains("merchant_endpoints", dump); // it is a dump of the data, not an error message
        foreach (var (endpoint, secret) in secrets)
        {
            Assert.Contains(endpoint.ToString(), dump);
            Assert.DoesNotContain(secret, dump);
            Assert.DoesNotContain(secret["whsec_".Length..], dump);
        }
        var key = await KeyEncryptionKeyAsync();
        Assert.DoesNotContain(key, dump);
        Assert.DoesNotContain(key.TrimEnd('='), dump);
        Assert.DoesNotContain(Convert.ToHexString(Convert.FromBase64String(key)), dump, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AnEndpointGetsNoReplayableXSignature_UnlessItAsks_WhileTargetsWithoutAnEndpointKeepIt()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var merchant = Merchant();
        using var plain = await CreateEndpointAsync(merchant, new { url = receiver.Url + "plain" });
        using var legacy = await CreateEndpointAsync(merchant, new { url = receiver.Url + "legacy", legacySignature = true });
        Assert.False(plain.RootElement.GetProperty("legacySignature").GetBoolean());
        Assert.True(legacy.RootElement.GetProperty("legacySignature").GetBoolean());

        await PostEventAsync(merchant);
        await PostAsync("/events", new { target_url = receiver.Url + "adhoc", payload = new { n = 1 } }, HttpStatusCode.Accepted);
        await EngineAppFixture.EventuallyAsync(() => Task.FromResult(receiver.Arrivals.Count >= 3), "all three deliveries arrive", Patience);

        var toPlain = Assert.Single(receiver.ArrivalsAt("/plain"));
        Assert.False(toPlain.Headers.ContainsKey("x-signature"));
        Assert.True(Verifies(plain.RootElement.GetProperty("secret").GetString()!, toPlain));
        var toLegacy = Assert.Single(receiver.ArrivalsAt("/legacy"));
        Assert.True(WebhookSigner.VerifyLegacy(WebhookSecret.Parse(legacy.RootElement.GetProperty("secret").GetString()!),
            toLegacy.Headers["x-signature"], Encoding.UTF8.GetBytes(toLegacy.Body)));
        Assert.StartsWith("sha256=", Assert.Single(receiver.ArrivalsAt("/adhoc")).Headers["x-signature"]);

        // Turned off again by PATCH: the next delivery carries none.
        var legacyId = legacy.RootElement.GetProperty("id").GetGuid();
        using (var off = await app.Api.PatchAsJsonAsync($"/merchants/{merchant}/endpoints/{legacyId}", new { legacySignature = false }))
        {
            Assert.Equal(HttpStatusCode.OK, off.StatusCode);
            Assert.False((await off.Content.ReadFromJsonAsync<JsonDocument>())!.RootElement.GetProperty("legacySignature").GetBoolean());
        }
        await PostEventAsync(merchant);
        await EngineAppFixture.EventuallyAsync(() => Task.FromResult(receiver.ArrivalsAt("/legacy").Count >= 2), "the second delivery arrives", Patience);
        Assert.False(receiver.ArrivalsAt("/legacy")[1].Headers.ContainsKey("x-signature"));
    }

    [Theory]
    [InlineData("{\"overlap\": \"an hour\"}")]
    [InlineData("{\"overlap\": \"-PT1H\"}")]
    [InlineData("{\"overlap\": \"P30D\"}")]
    [InlineData("{\"overlap\": 3600}")]
    [InlineData("[]")]
    public async Task ABadRotationOverlap_IsA400NamingIt_AndTheSecretIsUnchanged(string body)
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var merchant = Merchant();
        using var endpoint = await CreateEndpointAsync(merchant, new { url = receiver.Url + "hook" });
        var id = endpoint.RootElement.GetProperty("id").GetGuid();
        var before = await StoredSecretAsync(id);

        using var response = await app.Api.PostAsync($"/merchants/{merchant}/endpoints/{id}/rotate-secret",
            new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.True(problem.Contains("overlap") || problem.Contains("body"), problem);
        Assert.Equal(before, await StoredSecretAsync(id));
    }

    [Fact]
    public async Task RotationWithOverlapZero_RevokesTheOldSecretAtOnce()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var merchant = Merchant();
        using var endpoint = await CreateEndpointAsync(merchant, new { url = receiver.Url + "hook" });
        var id = endpoint.RootElement.GetProperty("id").GetGuid();
        var old = endpoint.RootElement.GetProperty("secret").GetString()!;

        using var rotated = await RotateAsync(merchant, id, "?overlap=PT0S");
        Assert.Equal(JsonValueKind.Null, rotated.RootElement.GetProperty("previousSecretExpiresAt").ValueKind);
        var current = rotated.RootElement.GetProperty("secret").GetString()!;

        await PostEventAsync(merchant);
        await EngineAppFixture.EventuallyAsync(() => Task.FromResult(receiver.Arrivals.Count >= 1), "the delivery arrives", Patience);
        var arrival = Assert.Single(receiver.Arrivals);
        Assert.Single(arrival.Headers["webhook-signature"].Split(' '));
        Assert.True(Verifies(current, arrival));
        Assert.False(Verifies(old, arrival));
    }

    [Fact]
    public async Task ASecondRotationInsideTheOverlap_RevokesTheFirstSecret_AndSaysSo()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var merchant = Merchant();
        using var endpoint = await CreateEndpointAsync(merchant, new { url = receiver.Url + "hook" });
        var id = endpoint.RootElement.GetProperty("id").GetGuid();
        var first = endpoint.RootElement.GetProperty("secret").GetString()!;

        using var once = await RotateAsync(merchant, id, "", "{\"overlap\": \"PT1H\"}");
        Assert.False(once.RootElement.GetProperty("earlierSecretRevoked").GetBoolean());
        var expires = once.RootElement.GetProperty("previousSecretExpiresAt").GetDateTimeOffset();
        Assert.InRange(expires, DateTimeOffset.UtcNow.AddMinutes(50), DateTimeOffset.UtcNow.AddMinutes(70));
        var second = once.RootElement.GetProperty("secret").GetString()!;

        using var twice = await RotateAsync(merchant, id, "");
        Assert.True(twice.RootElement.GetProperty("earlierSecretRevoked").GetBoolean());
        Assert.InRange(twice.RootElement.GetProperty("previousSecretExpiresAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddHours(23), DateTimeOffset.UtcNow.AddHours(25));
        var third = twice.RootElement.GetProperty("secret").GetString()!;

        await PostEventAsync(merchant);
        await EngineAppFixture.EventuallyAsync(() => Task.FromResult(receiver.Arrivals.Count >= 1), "the delivery arrives", Patience);
        var arrival = Assert.Single(receiver.Arrivals);
        Assert.Equal(2, arrival.Headers["webhook-signature"].Split(' ').Length);
        Assert.True(Verifies(third, arrival));
        Assert.True(Verifies(second, arrival));
        Assert.False(Verifies(first, arrival));
    }

    [Theory]
    [InlineData("tampered")]
    [InlineData("unknown key")]
    [InlineData("not a secret")]
    public async Task AStoredSecretThatDoesNotOpen_EndsTheDeliveryDead_WithOneAttemptAndTheReason(string corruption)
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var merchant = Merchant();
        using var endpoint = await CreateEndpointAsync(merchant, new { url = receiver.Url + "hook" });
        var id = endpoint.RootElement.GetProperty("id").GetGuid();
        var stored = await StoredSecretAsync(id);
        var corrupted = corruption switch
        {
            "tampered" => stored[..^6] + (stored[^6] == 'A' ? 'B' : 'A') + stored[^5..],
            "unknown key" => "v1:retired:" + stored[(stored.IndexOf(':', 3) + 1)..],
            _ => "not base64 at all",
        };
        await app.QueryScalarAsync<int>("WITH u AS (UPDATE merchant_endpoints SET secret = $1 WHERE id = $2 RETURNING 1) SELECT count(*)::int FROM u", corrupted, id);

        var eventId = await PostEventAsync(merchant);
        await EngineAppFixture.EventuallyAsync(
            async () => await app.QueryScalarAsync<string>("SELECT status FROM deliveries WHERE event_id = $1", eventId) == "dead",
            "the delivery is dead", Patience);

        Assert.Equal(1, await app.QueryScalarAsync<int>("SELECT attempt_count FROM deliveries WHERE event_id = $1", eventId));
        Assert.Equal(1L, await app.QueryScalarAsync<long>(
            "SELECT count(*) FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.event_id = $1", eventId));
        Assert.Contains("signing secret cannot be read", await app.QueryScalarAsync<string>("SELECT last_error FROM deliveries WHERE event_id = $1", eventId));
        Assert.Empty(receiver.Arrivals);
    }

    private static string Merchant() => $"merchant_sealed_{Guid.NewGuid():N}"[..40];

    private static bool Verifies(string secret, LoopbackReceiver.Arrival arrival) =>
        WebhookSigner.Verify(WebhookSecret.Parse(secret), arrival.Headers.GetValueOrDefault("webhook-id"), arrival.Headers.GetValueOrDefault("webhook-timestamp"),
            arrival.Headers.GetValueOrDefault("webhook-signature"), Encoding.UTF8.GetBytes(arrival.Body), DateTimeOffset.UtcNow, Tolerance);

    private async Task<JsonDocument> CreateEndpointAsync(string merchant, object body)
    {
        using var response = await PostAsync($"/merchants/{merchant}/endpoints", body, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonDocument>())!;
    }

    private async Task<JsonDocument> RotateAsync(string merchant, Guid id, string query, string? body = null)
    {
        using var response = await app.Api.PostAsync($"/merchants/{merchant}/endpoints/{id}/rotate-secret{query}",
            body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonDocument>())!;
    }

    private async Task<Guid> PostEventAsync(string merchant)
    {
        using var response = await PostAsync("/events", new { merchantId = merchant, type = "payment.succeeded", data = new { amount = 4999 } }, HttpStatusCode.Accepted);
        return (await response.Content.ReadFromJsonAsync<JsonDocument>())!.RootElement.GetProperty("id").GetGuid();
    }

    private async Task<HttpResponseMessage> PostAsync(string path, object body, HttpStatusCode expected)
    {
        var response = await app.Api.PostAsJsonAsync(path, body);
        Assert.True(response.StatusCode == expected, $"{(int)expected} expected, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    private Task<string> StoredSecretAsync(Guid id) => app.QueryScalarAsync<string>("SELECT secret FROM merchant_endpoints WHERE id = $1", id);

    /// <summary>The key-encryption key the AppHost generated for this run, as the Api and the Worker are given it.</summary>
    private async Task<string> KeyEncryptionKeyAsync()
    {
        var parameter = app.Run.Builder.Resources.OfType<ParameterResource>().Single(p => p.Name == "secrets-key");
        var value = await parameter.GetValueAsync(CancellationToken.None);
        Assert.False(string.IsNullOrEmpty(value));
        return value + "=";
    }

    private async Task<string> DumpDatabaseAsync()
    {
        var connection = new NpgsqlConnectionStringBuilder(app.WebhooksConnectionString);
        var start = new ProcessStartInfo("/usr/lib/postgresql/15/bin/pg_dump",
            ["--host", connection.Host!, "--port", connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--username", connection.Username!, "--dbname", connection.Database!, "--no-password"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (connection.Password is { } password)
        {
            start.Environment["PGPASSWORD"] = password;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"pg_dump failed: {await error}");
        return await output;
    }
}

using System.Security.Cryptography;
using WebhookDispatcher.Core.Signing;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Tests.Infrastructure;

namespace WebhookDispatcher.Tests.Signing;

/// <summary>
/// The stored form of endpoint secrets, on a real PostgreSQL: what the store writes is sealed, and the re-seal
/// moves every value (older keys' and plaintext left from before sealing) to the active key.
/// </summary>
public sealed class SecretResealTests(ThrowawayPostgres postgres) : IClassFixture<ThrowawayPostgres>
{
    private static readonly string KeyOne = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string KeyTwo = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private async Task<(string Secret, string? Previous)> StoredAsync(Guid id)
    {
        await using var command = postgres.DataSource.CreateCommand("SELECT secret, previous_secret FROM merchant_endpoints WHERE id = $1");
        command.Parameters.Add(new Npgsql.NpgsqlParameter<Guid> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    [Fact]
    public async Task WhatTheStoreWrites_IsSealed_OnCreateAndRotate()
    {
        var store = new EndpointStore(postgres.DataSource, SecretSealerTests.Sealer("k1", ("k1", KeyOne)));
        var first = WebhookSecret.Generate().Text;
        var second = WebhookSecret.Generate().Text;

        var endpoint = await store.CreateAsync($"m_{Guid.NewGuid():N}", "https://example.com/hook", first, null, null);
        await store.RotateSecretAsync(endpoint.MerchantId, endpoint.Id, second, TimeSpan.FromHours(1));

        var (secret, previous) = await StoredAsync(endpoint.Id);
        Assert.StartsWith("v1:k1:", secret);
        Assert.StartsWith("v1:k1:", previous);
        Assert.DoesNotContain("whsec_", secret + previous);
    }

    [Fact]
    public async Task Reseal_MovesEverySecret_OldKeysAndPlaintext_ToTheActiveKey()
    {
        var merchant = $"m_{Guid.NewGuid():N}";
        var underOne = new EndpointStore(postgres.DataSource, SecretSealerTests.Sealer("k1", ("k1", KeyOne)));
        var plaintext = new EndpointStore(postgres.DataSource, new SecretSealer(Microsoft.Extensions.Options.Options.Create(new SecretSealingOptions())));
        var secrets = new Dictionary<Guid, (string Current, string? Previous)>();
        for (var i = 0; i < 3; i++)
        {
            var (current, previous) = (WebhookSecret.Generate().Text, WebhookSecret.Generate().Text);
            var endpoint = await underOne.CreateAsync(merchant, $"https://example.com/{i}", previous, null, null);
            await underOne.RotateSecretAsync(merchant, endpoint.Id, current, TimeSpan.FromHours(1));
            secrets[endpoint.Id] = (current, previous);
        }
        var legacy = WebhookSecret.Generate().Text;
        var legacyEndpoint = await plaintext.CreateAsync(merchant, "https://example.com/legacy", legacy, null, null);
        secrets[legacyEndpoint.Id] = (legacy, null);
        Assert.Equal(legacy, (await StoredAsync(legacyEndpoint.Id)).Secret); // as rows from before sealing hold it

        var rotatedKeys = SecretSealerTests.Sealer("k2", ("k1", KeyOne), ("k2", KeyTwo));
        var reseal = await new EndpointStore(postgres.DataSource, rotatedKeys).ResealAsync();

        Assert.Equal("k2", reseal.ActiveKey);
        Assert.Empty(reseal.Unreadable.Intersect(secrets.Keys));
        var onlyTwo = SecretSealerTests.Sealer("k2", ("k2", KeyTwo));
        foreach (var (id, (current, previous)) in secrets)
        {
            var stored = await StoredAsync(id);
            Assert.StartsWith("v1:k2:", stored.Secret);
            Assert.Equal(current, onlyTwo.Unseal(stored.Secret, id));
            if (previous is not null)
            {
                Assert.StartsWith("v1:k2:", stored.Previous);
                Assert.Equal(previous, onlyTwo.Unseal(stored.Previous!, id));
            }
        }
        // Once under the active key, a row is left as it is.
        var before = await StoredAsync(legacyEndpoint.Id);
        await new EndpointStore(postgres.DataSource, rotatedKeys).ResealAsync();
        Assert.Equal(before, await StoredAsync(legacyEndpoint.Id));
    }

    [Fact]
    public async Task StartUpSealing_SealsPlaintext_AndLeavesOlderKeysForTheOperator()
    {
        var merchant = $"m_{Guid.NewGuid():N}";
        var underOne = new EndpointStore(postgres.DataSource, SecretSealerTests.Sealer("k1", ("k1", KeyOne)));
        var plaintext = new EndpointStore(postgres.DataSource, new SecretSealer(Microsoft.Extensions.Options.Options.Create(new SecretSealingOptions())));
        var sealedOne = await underOne.CreateAsync(merchant, "https://example.com/one", WebhookSecret.Generate().Text, null, null);
        var legacy = WebhookSecret.Generate().Text;
        var legacyEndpoint = await plaintext.CreateAsync(merchant, "https://example.com/legacy", legacy, null, null);

        var rotatedKeys = SecretSealerTests.Sealer("k2", ("k1", KeyOne), ("k2", KeyTwo));
        await new EndpointStore(postgres.DataSource, rotatedKeys).ResealAsync(plaintextOnly: true);

        Assert.StartsWith("v1:k1:", (await StoredAsync(sealedOne.Id)).Secret);
        var sealedLegacy = (await StoredAsync(legacyEndpoint.Id)).Secret;
        Assert.StartsWith("v1:k2:", sealedLegacy);
        Assert.Equal(legacy, rotatedKeys.Unseal(sealedLegacy, legacyEndpoint.Id));
    }

    [Fact]
    public async Task Reseal_LeavesARowWhoseSecretDoesNotOpen_AndNamesIt()
    {
        var store = new EndpointStore(postgres.DataSource, SecretSealerTests.Sealer("k1", ("k1", KeyOne)));
        var endpoint = await store.CreateAsync($"m_{Guid.NewGuid():N}", "https://example.com/broken", WebhookSecret.Generate().Text, null, null);
        await postgres.ExecuteAsync("UPDATE merchant_endpoints SET secret = 'v1:k1:AAAA' WHERE id = $1", endpoint.Id);

        var reseal = await new EndpointStore(postgres.DataSource, SecretSealerTests.Sealer("k2", ("k1", KeyOne), ("k2", KeyTwo))).ResealAsync();

        Assert.Contains(endpoint.Id, reseal.Unreadable);
        Assert.Equal("v1:k1:AAAA", (await StoredAsync(endpoint.Id)).Secret);
    }
}

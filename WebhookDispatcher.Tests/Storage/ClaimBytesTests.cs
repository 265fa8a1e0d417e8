using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Tests.Infrastructure;

namespace WebhookDispatcher.Tests.Storage;

/// <summary>
/// A producer's large payloads cannot take a Worker out of memory: one claim loads at most
/// <c>Dispatcher:MaxClaimBytes</c> of payloads, however many deliveries it was allowed, and still takes one delivery
/// whose payload alone is over the cap, so nothing is stuck behind it.
/// </summary>
public sealed class ClaimBytesTests(ThrowawayPostgres server) : IClassFixture<ThrowawayPostgres>
{
    private const int PayloadBytes = 100_000;
    private const long Cap = 1024 * 1024;

    [Fact]
    public async Task ABacklogOfLargePayloads_IsClaimedWithinTheByteCap_AndAPayloadOverTheCapStillGoes_AloneInItsClaim()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        await new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(ct);
        var events = new IngestTransaction(dataSource);
        var store = new DeliveryQueue(dataSource);

        // 50 payloads of 100,000 bytes each (5 MB), all due, each going to the merchant's default target.
        var backlog = Enumerable.Range(0, 50)
            .Select(i => new NewEvent(Guid.NewGuid(), "merchant_large", "payment.succeeded", Payload(i, PayloadBytes), null, null, null))
            .ToList();
        await events.IngestAsync(backlog, cancellationToken: ct);

        var claimedIds = new HashSet<long>();
        var claims = 0;
        while (true)
        {
            var claimed = await store.ClaimAsync(200, "worker-large", TimeSpan.FromMinutes(5), maxBytes: Cap, cancellationToken: ct);
            if (claimed.Count == 0)
            {
                break;
            }
            claims++;
            var bytes = claimed.Sum(c => (long)Encoding.UTF8.GetByteCount(c.PayloadJson));
            Assert.True(bytes <= Cap, $"claim {claims} loaded {bytes:N0} bytes of payloads, over the cap of {Cap:N0}");
            Assert.All(claimed, c => Assert.True(claimedIds.Add(c.Id), $"delivery {c.Id} was claimed twice"));
        }
        // Every delivery was claimed, ten at a time (1,048,576 / 100,000 rounded down), not 200 at a time.
        Assert.Equal(backlog.Count, claimedIds.Count);
        Assert.Equal(5, claims);

        // One payload over the cap on its own, with a small one due after it: the large one is claimed, alone.
        var huge = new NewEvent(Guid.NewGuid(), "merchant_large", "payment.succeeded", Payload(-1, (int)Cap * 2), null, null, null);
        await events.IngestAsync([huge], cancellationToken: ct);
        var small = new NewEvent(Guid.NewGuid(), "merchant_large", "payment.succeeded", Payload(-2, 100), null, null, null);
        await events.IngestAsync([small], cancellationToken: ct);
        var alone = Assert.Single(await store.ClaimAsync(200, "worker-large", TimeSpan.FromMinutes(5), maxBytes: Cap, cancellationToken: ct));
        Assert.Equal(huge.Id, alone.EventId);
        Assert.Equal(huge.PayloadJson, alone.PayloadJson);
        var next = Assert.Single(await store.ClaimAsync(200, "worker-large", TimeSpan.FromMinutes(5), maxBytes: Cap, cancellationToken: ct));
        Assert.Equal(small.Id, next.EventId);

        // The size the claim adds up is the stored payload's, in bytes (multi-byte characters count as many).
        var stored = await server.ScalarAsync<int>("SELECT payload_bytes FROM events WHERE id = $1", huge.Id);
        Assert.Equal(Encoding.UTF8.GetByteCount(huge.PayloadJson), stored);
    }

    /// <summary>A JSON payload of exactly <paramref name="bytes"/> UTF-8 bytes, with two-byte characters in it.</summary>
    private static string Payload(int n, int bytes)
    {
        var head = $$"""{"n":{{n}},"note":"é","pad":" """;
        var padding = bytes - Encoding.UTF8.GetByteCount(head) - 2;
        return head + new string('x', padding) + "\"}";
    }
}

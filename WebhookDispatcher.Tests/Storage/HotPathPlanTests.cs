using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Tests.Infrastructure;
using Xunit.Abstractions;

namespace WebhookDispatcher.Tests.Storage;

/// <summary>
/// The outcome batch, the ingest and the next-due lookup read about what they touch, whatever the planner was told:
/// statistics of nearly empty tables, and statements auto-prepared on them, then 100,000 deliveries in flight. What
/// the server counted each call reading from <c>deliveries</c> is the measure (rows, never time). Without
/// <see cref="StablePlans"/> the same outcome statement reads the whole table (checked too, so the trap is set).
/// </summary>
public sealed class HotPathPlanTests(ThrowawayPostgres server, ITestOutputHelper output) : IClassFixture<ThrowawayPostgres>
{
    private const int Backlog = 100_000;
    private const int Batch = 500;
    private const string Worker = "worker-a";

    [Fact]
    public async Task AfterStatisticsOfEmptyTables_OutcomesIngestAndNextDueReadOnlyTheirRows()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        // As the services build theirs (ServiceDefaults): auto-prepare on. One connection, so every call below runs
        // on the backend whose prepared statements and counters are looked at.
        await using var dataSource = new NpgsqlDataSourceBuilder(server.ConnectionString)
        {
            ConnectionStringBuilder = { MaxAutoPrepare = 32, MaxPoolSize = 1 },
        }.Build();
        await new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(ct);
        var deliveries = new DeliveryQueue(dataSource);
        var events = new IngestTransaction(dataSource);

        // The trap: every statement run on tiny tables often enough for auto-prepare and the server's plan cache to
        // keep what they plan now, and statistics that say the tables are tiny.
        for (var i = 0; i < 10; i++)
        {
            await events.IngestAsync([NewEvent($"prime-{i}")], cancellationToken: ct);
            var claimed = await deliveries.ClaimAsync(10, Worker, TimeSpan.FromMinutes(5), cancellationToken: ct);
            await deliveries.RecordOutcomesAsync(claimed.Select(Delivered).ToList(), Worker, ct);
            await RunUnguardedAsync(dataSource, [], ct);
            await deliveries.NextDueAsync(ct);
        }
        await ServerReads.ExecuteAsync(dataSource, "ANALYZE", ct);
        await ServerReads.ExecuteAsync(dataSource, $"""
            INSERT INTO events (id, merchant_id, type, payload)
            SELECT gen_random_uuid(), 'merchant_' || (g % 50), 'payment.succeeded', json_build_object('n', g) FROM generate_series(1, {Backlog}) g;
            INSERT INTO deliveries (event_id, status, locked_by, locked_until, next_attempt_at)
            SELECT id, 'in_flight', '{Worker}', now() + interval '5 minutes', now() + interval '5 minutes' FROM events WHERE merchant_id LIKE 'merchant_%';
            """, ct);
        var inFlight = await IdsAsync(dataSource, ct);
        Assert.Equal(Backlog, inFlight.Count);

        // The outcome statement without its settings reads the table.
        var unguarded = await ServerReads.DuringAsync(dataSource, () => RunUnguardedAsync(dataSource, inFlight.Take(Batch).Select(Delivered).ToList(), ct), ct);
        output.WriteLine($"outcomes without the settings: {unguarded}");
        Assert.True(unguarded.Total >= Backlog, $"The trap was not set: {unguarded}");

        // The product's calls: each reads about one row per row it touches.
        var updated = 0;
        var outcomes = await ServerReads.DuringAsync(dataSource, async () => updated = await deliveries.RecordOutcomesAsync(inFlight.Skip(Batch).Take(Batch).Select(Delivered).ToList(), Worker, ct), ct);
        output.WriteLine($"RecordOutcomesAsync of {Batch}: {outcomes}");
        Assert.Equal(Batch, updated);
        Assert.Equal(0, outcomes.Sequential);
        Assert.InRange(outcomes.Indexed, Batch, 3 * Batch);

        // And joins them in one pass: a nested loop rescanned the batch once per row (200 × 200 in the drain).
        var batch = inFlight.Skip(2 * Batch).Take(Batch).Select(Delivered).ToList();
        var nested = await BatchRescansAsync(dataSource, StablePlans.Sql, batch, ct);
        output.WriteLine($"outcomes with nested loops allowed: the batch scanned {nested:N0} times");
        Assert.True(nested > 1, "The nested-loop trap was not set");
        Assert.Equal(1, await BatchRescansAsync(dataSource, StablePlans.HashJoinsSql, batch, ct));

        var ingested = 0;
        var ingest = await ServerReads.DuringAsync(dataSource, async () =>
            ingested = (await events.IngestAsync(Enumerable.Range(0, 1000).Select(i => NewEvent($"merchant_{i % 50}")).ToList(), cancellationToken: ct))!.Count, ct);
        output.WriteLine($"IngestAsync of 1,000: {ingest}");
        Assert.Equal(1000, ingested);
        Assert.Equal(0, ingest.Sequential);
        Assert.InRange(ingest.Indexed, 0, 3 * 1000);
        var ingestEvents = await ServerReads.DuringAsync(dataSource, async () =>
            await events.IngestAsync(Enumerable.Range(0, 1000).Select(i => NewEvent($"merchant_{i % 50}")).ToList(), cancellationToken: ct), ct, "events");
        output.WriteLine($"IngestAsync of 1,000 more, from events: {ingestEvents}");
        Assert.Equal(0, ingestEvents.Sequential);
        Assert.InRange(ingestEvents.Indexed, 0, 3 * 1000);

        var nextDue = await ServerReads.DuringAsync(dataSource, () => deliveries.NextDueAsync(ct), ct);
        output.WriteLine($"NextDueAsync: {nextDue}");
        Assert.Equal(0, nextDue.Sequential);
        Assert.InRange(nextDue.Indexed, 0, 1000);
    }

    [Fact]
    public async Task TheQueueDepthCountReadsTheQueueNotTheHistory()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        // A database of its own on the same server: the other test's rows are not this one's.
        await server.ExecuteAsync("CREATE DATABASE queue_depth");
        var connectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "queue_depth", MaxAutoPrepare = 32, MaxPoolSize = 1 }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(ct);
        await ServerReads.ExecuteAsync(dataSource, $"""
            INSERT INTO events (id, merchant_id, type, payload)
            SELECT gen_random_uuid(), 'merchant_' || (g % 50), 'payment.succeeded', json_build_object('n', g) FROM generate_series(1, {Backlog + 60}) g;
            INSERT INTO deliveries (event_id, status, next_attempt_at, delivered_at)
            SELECT id, 'delivered', now() - interval '1 day', now() - interval '1 day' FROM events;
            UPDATE deliveries SET status = 'pending', next_attempt_at = now() WHERE id <= 30;
            UPDATE deliveries SET status = 'in_flight', locked_by = 'w', locked_until = now() + interval '1 minute', next_attempt_at = now() + interval '1 minute' WHERE id BETWEEN 31 AND 50;
            UPDATE deliveries SET status = 'dead' WHERE id BETWEEN 51 AND 60;
            ANALYZE;
            """, ct);
        var deliveries = new DeliveryStore(dataSource);

        IReadOnlyDictionary<string, long> counts = new Dictionary<string, long>();
        var reads = await ServerReads.DuringAsync(dataSource, async () => counts = await deliveries.CountQueuedAsync(ct), ct);
        output.WriteLine($"CountQueuedAsync beside {Backlog:N0} delivered: {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}; {reads}");
        Assert.Equal(30, counts[DeliveryStatus.Pending]);
        Assert.Equal(20, counts[DeliveryStatus.InFlight]);
        Assert.Equal(10, counts[DeliveryStatus.Dead]);
        Assert.False(counts.ContainsKey(DeliveryStatus.Delivered));
        Assert.Equal(0, reads.Sequential);
        Assert.InRange(reads.Indexed, 0, 2 * 60);
    }

    private static NewEvent NewEvent(string merchant) =>
        new(Guid.NewGuid(), merchant, "payment.succeeded", """{"amount":1}""", null, null, null);

    private static DeliveryOutcome Delivered(ClaimedDelivery delivery) => Delivered(delivery.Id);

    private static DeliveryOutcome Delivered(long id) =>
        new(id, 0, DeliveryStatus.Delivered, TimeSpan.Zero, true, 200, null, DateTimeOffset.UtcNow, 1.5);

    /// <summary>
    /// The outcome statement as it was before <see cref="StablePlans"/>: without the settings, and fencing on the status
    /// rather than the rows' keys. To show the trap is real.
    /// </summary>
    private static async Task RunUnguardedAsync(NpgsqlDataSource dataSource, IReadOnlyList<DeliveryOutcome> outcomes, CancellationToken ct)
    {
        var command = DeliveryQueue.RecordOutcomesCommand(outcomes, Worker);
        var before = command.CommandText
            .Replace("d.id = ANY ($1) AND ", "", StringComparison.Ordinal)
            .Replace("d.locked_by = $10", "d.status = 'in_flight' AND d.locked_by = $10", StringComparison.Ordinal);
        Assert.NotEqual(command.CommandText, before);
        command.CommandText = before;
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(command);
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>EXPLAIN ANALYZE of the outcome statement after the given settings, rolled back: how often the batch's rows were scanned.</summary>
    private static async Task<long> BatchRescansAsync(NpgsqlDataSource dataSource, string settings, IReadOnlyList<DeliveryOutcome> outcomes, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var set = new NpgsqlCommand(settings, connection, transaction))
        {
            await set.ExecuteNonQueryAsync(ct);
        }
        var record = DeliveryQueue.RecordOutcomesCommand(outcomes, Worker);
        await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, FORMAT JSON) " + record.CommandText, connection, transaction);
        foreach (NpgsqlParameter parameter in record.Parameters)
        {
            explain.Parameters.Add(parameter.Clone());
        }
        var json = (string)(await explain.ExecuteScalarAsync(ct))!;
        await transaction.RollbackAsync(ct);
        using var document = JsonDocument.Parse(json);
        long loops = 0;
        foreach (var node in ServerReads.PlanNodes(document.RootElement[0].GetProperty("Plan")))
        {
            if (node.GetProperty("Node Type").GetString() == "CTE Scan" && node.GetProperty("CTE Name").GetString() == "r")
            {
                loops = Math.Max(loops, node.GetProperty("Actual Loops").GetInt64());
            }
        }
        return loops;
    }

    private static async Task<List<long>> IdsAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"SELECT id FROM deliveries WHERE locked_by = '{Worker}' ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var ids = new List<long>();
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetInt64(0));
        }
        return ids;
    }
}

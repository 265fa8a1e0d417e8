using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Tests.Infrastructure;
using Xunit.Abstractions;

namespace WebhookDispatcher.Tests.Storage;

/// <summary>
/// The claim reads only about what it claims, whatever the planner was told: statistics taken while the table was
/// empty, and statements auto-prepared while it was empty, then a backlog of 100,000 due deliveries. Without the
/// claim's plan settings the same statement reads every due row (checked here too, so the trap is really set).
/// Counts rows and buffers, never time.
/// </summary>
public sealed class ClaimPlanTests(ThrowawayPostgres server, ITestOutputHelper output) : IClassFixture<ThrowawayPostgres>
{
    private const int Backlog = 100_000;
    private const int Limit = 200;

    [Fact]
    public async Task AfterAnalyzingEmptyTables_TheClaimReadsOnlyWhatItClaims()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        // As the services build theirs (ServiceDefaults): auto-prepare on. One connection, so the claims below all
        // run on the backend whose prepared statements and statistics counters are looked at.
        await using var dataSource = new NpgsqlDataSourceBuilder(server.ConnectionString)
        {
            ConnectionStringBuilder = { MaxAutoPrepare = 32, MaxPoolSize = 1 },
        }.Build();
        await new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(ct);
        var store = new DeliveryQueue(dataSource);

        // The trap: statistics of empty tables, and claims on them often enough that auto-prepare and the server's
        // plan cache would keep a plan made now.
        await ServerReads.ExecuteAsync(dataSource, "ANALYZE", ct);
        for (var i = 0; i < 10; i++)
        {
            Assert.Empty(await store.ClaimAsync(Limit, "worker-a", TimeSpan.FromSeconds(30), cancellationToken: ct));
        }
        await ServerReads.ExecuteAsync(dataSource, $"""
            INSERT INTO events (id, merchant_id, type, payload)
            SELECT gen_random_uuid(), 'merchant_' || (g % 50), 'payment.succeeded', json_build_object('n', g) FROM generate_series(1, {Backlog}) g;
            INSERT INTO deliveries (event_id, next_attempt_at) SELECT id, now() - random() * interval '1 hour' FROM events;
            """, ct);

        // The trap is set: the same claim without its settings sorts every due row to take 200.
        var unguarded = await ExplainClaimAsync(dataSource, withSettings: false, ct);
        output.WriteLine($"without the settings: {unguarded}");
        Assert.True(unguarded.RowsRead >= Backlog, $"The trap was not set: {unguarded}");

        var guarded = await ExplainClaimAsync(dataSource, withSettings: true, ct);
        output.WriteLine($"with the settings:    {guarded}");
        Assert.Equal(Limit, guarded.Claimed);
        Assert.Empty(guarded.FullReads);
        Assert.Equal(0, guarded.TempBlocks);
        // Each claimed row: its index entry and heap tuple to pick and lock it, its primary-key lookup to update it.
        Assert.InRange(guarded.RowsRead, Limit, 3 * Limit);
        Assert.InRange(guarded.CandidateBuffers, 1, 3 * Limit);

        // And the product's own call, on the connection whose statements were prepared on the empty tables: what
        // the server counted it reading.
        var before = await ServerReads.SoFarAsync(dataSource, "deliveries", ct);
        var eventsBefore = await ServerReads.SoFarAsync(dataSource, "events", ct);
        var claimed = await store.ClaimAsync(Limit, "worker-b", TimeSpan.FromSeconds(30), cancellationToken: ct);
        var after = await ServerReads.SoFarAsync(dataSource, "deliveries", ct);
        var eventsAfter = await ServerReads.SoFarAsync(dataSource, "events", ct);
        output.WriteLine($"ClaimAsync: {claimed.Count} claimed; deliveries read: {after.Sequential - before.Sequential} by sequential scans, {after.Indexed - before.Indexed} by index scans; events: {eventsAfter.Sequential - eventsBefore.Sequential} and {eventsAfter.Indexed - eventsBefore.Indexed}");
        // Each claimed delivery's event, found by its key.
        Assert.Equal(0, eventsAfter.Sequential - eventsBefore.Sequential);
        Assert.InRange(eventsAfter.Indexed - eventsBefore.Indexed, Limit, 2 * Limit);
        Assert.Equal(Limit, claimed.Count);
        Assert.Equal(Limit, claimed.Select(c => c.Id).Distinct().Count());
        Assert.Equal(0, after.Sequential - before.Sequential);
        Assert.InRange(after.Indexed - before.Indexed, Limit, 3 * Limit);
        Assert.Equal((long)Limit, await ScalarAsync(dataSource, "SELECT count(*) FROM deliveries WHERE status = 'in_flight' AND locked_by = 'worker-b' AND locked_until > now()", ct));
    }

    private sealed record ClaimPlan(long Claimed, long RowsRead, long CandidateBuffers, long TempBlocks, IReadOnlyList<string> FullReads)
    {
        public override string ToString() =>
            $"{Claimed} claimed, {RowsRead:N0} rows of deliveries read, {CandidateBuffers:N0} buffers to pick the candidates, {TempBlocks} temp blocks, full reads: [{string.Join(", ", FullReads)}]";
    }

    /// <summary>EXPLAIN ANALYZE of the claim in a transaction rolled back, as the Worker runs it (with its settings) or without them.</summary>
    private static async Task<ClaimPlan> ExplainClaimAsync(NpgsqlDataSource dataSource, bool withSettings, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (withSettings)
        {
            await using var settings = new NpgsqlCommand(StablePlans.Sql, connection, transaction);
            await settings.ExecuteNonQueryAsync(ct);
        }
        await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + DeliveryQueue.ClaimSql, connection, transaction);
        explain.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Limit });
        explain.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "explain" });
        explain.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = TimeSpan.FromSeconds(30) });
        explain.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = null, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        // The Worker's default cap on a claim's payload bytes, which these small payloads never reach.
        explain.Parameters.Add(new NpgsqlParameter<long> { TypedValue = new DispatcherOptions().MaxClaimBytes });
        var json = (string)(await explain.ExecuteScalarAsync(ct))!;
        await transaction.RollbackAsync(ct);

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement[0].GetProperty("Plan");
        var nodes = ServerReads.PlanNodes(root);
        long rowsRead = 0, candidateBuffers = 0;
        var fullReads = new List<string>();
        foreach (var node in nodes)
        {
            var type = node.GetProperty("Node Type").GetString()!;
            if (type == "LockRows")
            {
                candidateBuffers += Long(node, "Shared Hit Blocks") + Long(node, "Shared Read Blocks");
            }
            // The one sort allowed is of the candidates already picked and locked (at most $1 rows, in memory),
            // which the claim adds up in due order to stay within its byte cap; a sort of the due rows is the trap.
            var boundedSort = type == "Sort" && Long(node, "Actual Rows") * Math.Max(1, Long(node, "Actual Loops")) <= Limit
                && node.TryGetProperty("Sort Method", out var method) && method.GetString() != "external merge";
            if (type is "Sort" or "Seq Scan" or "Bitmap Heap Scan" && !boundedSort)
            {
                fullReads.Add(type + (node.TryGetProperty("Relation Name", out var r) ? " on " + r.GetString() : ""));
            }
            if (type != "ModifyTable" && node.TryGetProperty("Relation Name", out var relation) && relation.GetString() == "deliveries")
            {
                rowsRead += (Long(node, "Actual Rows") + Long(node, "Rows Removed by Filter") + Long(node, "Rows Removed by Index Recheck")) * Long(node, "Actual Loops");
            }
        }
        return new ClaimPlan(Long(root, "Actual Rows"), rowsRead, candidateBuffers,
            Long(root, "Temp Read Blocks") + Long(root, "Temp Written Blocks"), fullReads);
    }

    private static long Long(JsonElement node, string name) => node.TryGetProperty(name, out var value) ? (long)value.GetDouble() : 0;

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}

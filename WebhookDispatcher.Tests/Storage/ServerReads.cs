using System.Text.Json;
using Npgsql;

namespace WebhookDispatcher.Tests.Storage;

/// <summary>What the server counted read from a table (pg_stat_user_tables), and the nodes of an EXPLAIN (FORMAT JSON) plan: the plan tests' measures.</summary>
internal static class ServerReads
{
    public sealed record Reads(long Sequential, long Indexed)
    {
        public long Total => Sequential + Indexed;

        public override string ToString() => $"{Sequential:N0} rows read by sequential scans, {Indexed:N0} by index scans";
    }

    /// <summary>What the call read from the table. The data source must hold one connection: the one the call used.</summary>
    public static async Task<Reads> DuringAsync(NpgsqlDataSource dataSource, Func<Task> call, CancellationToken ct, string table = "deliveries")
    {
        var before = await SoFarAsync(dataSource, table, ct);
        await call();
        var after = await SoFarAsync(dataSource, table, ct);
        return new Reads(after.Sequential - before.Sequential, after.Indexed - before.Indexed);
    }

    /// <summary>What the server has counted read from the table so far, this backend's last statements included.</summary>
    public static async Task<Reads> SoFarAsync(NpgsqlDataSource dataSource, string table, CancellationToken ct)
    {
        // The only connection in the pool is the one the calls used: flush its counters, then read them afresh.
        await ExecuteAsync(dataSource, "SELECT pg_stat_force_next_flush()", ct);
        await ExecuteAsync(dataSource, "SELECT 1", ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using (var clear = new NpgsqlCommand("SELECT pg_stat_clear_snapshot()", connection))
        {
            await clear.ExecuteNonQueryAsync(ct);
        }
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(seq_tup_read, 0), coalesce(idx_tup_fetch, 0) FROM pg_stat_user_tables WHERE relname = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new Reads(reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Every node of a plan, the root first.</summary>
    public static List<JsonElement> PlanNodes(JsonElement root)
    {
        var nodes = new List<JsonElement>();
        Collect(root, nodes);
        return nodes;
    }

    public static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static void Collect(JsonElement node, List<JsonElement> nodes)
    {
        nodes.Add(node);
        if (node.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray())
            {
                Collect(child, nodes);
            }
        }
    }
}

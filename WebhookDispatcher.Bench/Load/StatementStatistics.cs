using Npgsql;

namespace WebhookDispatcher.Bench.Load;

/// <summary>
/// Where PostgreSQL's time goes, statement by statement: pg_stat_statements, which the AppHost's local PostgreSQL
/// loads where the machine has it (containers don't, and then this reports nothing). Reset before a scenario, read
/// after it. Times are the server's wall time in each statement, so they include waiting for a core; the buffers
/// are what each statement touched, whatever the machine's load.
/// </summary>
public sealed class StatementStatistics(NpgsqlDataSource dataSource)
{
    private bool _available = true;

    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var create = dataSource.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            await create.ExecuteNonQueryAsync(cancellationToken);
            await using var reset = dataSource.CreateCommand("SELECT pg_stat_statements_reset()");
            await reset.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex)
        {
            // Not loaded (a container's server) or not installed: the scenario runs without the breakdown.
            _available = false;
            Console.WriteLine($"    no statement statistics: {ex.MessageText}");
        }
    }

    /// <summary>The statements that took the most time since <see cref="ResetAsync"/>, with their cost per unit of work.</summary>
    public async Task<IReadOnlyList<StatementTime>> TopAsync(int count, CancellationToken cancellationToken)
    {
        if (!_available)
        {
            return [];
        }
        await using var command = dataSource.CreateCommand("""
            SELECT calls, rows, total_exec_time + total_plan_time, shared_blks_hit + shared_blks_read, regexp_replace(query, '\s+', ' ', 'g'), total_plan_time
            FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            ORDER BY total_exec_time + total_plan_time DESC LIMIT $1
            """);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
        var top = new List<StatementTime>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            top.Add(new StatementTime(reader.GetString(4), reader.GetInt64(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetInt64(3), reader.GetDouble(5)));
        }
        return top;
    }

    public static void Print(IReadOnlyList<StatementTime> top, long units, string unit)
    {
        if (top.Count == 0 || units == 0)
        {
            return;
        }
        Console.WriteLine($"    database time by statement, per {unit} (pg_stat_statements):");
        foreach (var statement in top)
        {
            var perCall = statement.Calls == 0 ? 0 : statement.Rows / (double)statement.Calls;
            var text = statement.Query.Length > 90 ? statement.Query[..90] + "…" : statement.Query;
            Console.WriteLine($"      {statement.TotalMs * 1000 / units,8:N1} µs (planning {statement.PlanMs * 1000 / units,6:N1}) {statement.Blocks / (double)units,7:N1} buffers  {statement.Calls,7:N0} calls of {perCall,6:N1} rows  {text}");
        }
    }
}

/// <param name="TotalMs">Planning and execution.</param>
public sealed record StatementTime(string Query, long Calls, long Rows, double TotalMs, long Blocks, double PlanMs);

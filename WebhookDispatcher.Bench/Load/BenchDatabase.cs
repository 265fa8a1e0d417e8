using Npgsql;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Bench.Load;

/// <summary>
/// What the bench reads and resets in the database behind the system's back. Writes go through the engine's own
/// <see cref="EventStore"/> (the same SQL the Api runs); only the reset and the checks are the bench's own SQL.
/// </summary>
public sealed class BenchDatabase(string connectionString) : IAsyncDisposable
{
    // Prepared statements and no reset on return to the pool, as the services' data sources have (ServiceDefaults'
    // AddWebhooksDataSource), so the database ceiling runs the ingestion SQL exactly as the Api does.
    private readonly NpgsqlDataSource _dataSource = new NpgsqlDataSourceBuilder(connectionString)
    {
        Name = "bench",
        ConnectionStringBuilder = { MaxAutoPrepare = 32, NoResetOnClose = true },
    }.Build();

    public EventStore Events => new(_dataSource);

    public IngestTransaction Ingest => new(_dataSource);

    public StatementStatistics Statements => new(_dataSource);

    public NpgsqlDataSource DataSource => _dataSource;

    /// <summary>
    /// Empties the tables between scenarios, so each starts from the same place. Whatever statistics the planner is
    /// left with, the hot statements' plans do not depend on them (StablePlans, in Core).
    /// </summary>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        await Execute("TRUNCATE delivery_attempts, deliveries, events", cancellationToken);
        await Execute("CHECKPOINT", cancellationToken);
    }

    /// <summary>Removes every registered endpoint, and the target states that hang on them.</summary>
    public Task DeleteEndpointsAsync(CancellationToken cancellationToken = default) =>
        Execute("DELETE FROM target_states; DELETE FROM merchant_endpoints", cancellationToken);

    /// <summary>Deliveries still to do: pending, or in flight.</summary>
    public Task<long> OutstandingAsync(CancellationToken cancellationToken = default) =>
        Scalar("SELECT count(*) FROM deliveries WHERE status IN ('pending', 'in_flight')", cancellationToken);

    public Task<long> DeliveredAsync(CancellationToken cancellationToken = default) =>
        Scalar("SELECT count(*) FROM deliveries WHERE status = 'delivered'", cancellationToken);

    /// <summary>The median and 99th percentile of the attempts' durations as the Workers timed them (queueing for a connection included).</summary>
    public async Task<(double P50Ms, double P99Ms)> AttemptDurationsAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms), percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ms) FROM delivery_attempts WHERE worker_id <> 'history' AND worker_id NOT LIKE 'bench-%'");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.IsDBNull(0) ? (0, 0) : (Math.Round(reader.GetDouble(0), 2), Math.Round(reader.GetDouble(1), 2));
    }

    /// <summary>
    /// Transactions the database has run so far (every query outside a transaction is one): the load-independent
    /// count of what a scenario cost it. Backends report these within a second of going idle.
    /// </summary>
    public Task<long> TransactionsAsync(CancellationToken cancellationToken = default) =>
        Scalar("SELECT (xact_commit + xact_rollback)::bigint FROM pg_stat_database WHERE datname = current_database()", cancellationToken);

    /// <summary>Where PostgreSQL's WAL is, in bytes from its start: the difference is what a scenario wrote.</summary>
    public Task<long> WalBytesAsync(CancellationToken cancellationToken = default) =>
        Scalar("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint", cancellationToken);

    /// <summary>The database's backends waiting right now on a heavyweight lock (a row, a tuple, a transaction) and on a lightweight one (buffers, WAL).</summary>
    public async Task<(long Lock, long LWLock)> WaitingBackendsAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'), count(*) FILTER (WHERE wait_event_type = 'LWLock') FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Bytes on disk of a table with its indexes and TOAST.</summary>
    public Task<long> TotalSizeAsync(string table, CancellationToken cancellationToken = default) =>
        Scalar($"SELECT pg_total_relation_size('{table}')", cancellationToken);

    /// <summary>How many of these event ids are stored.</summary>
    public async Task<long> CountStoredAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("SELECT count(*) FROM events WHERE id = ANY ($1)");
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. ids] });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Stores <paramref name="count"/> payment events through the engine's own ingestion, in batches, without the Api.</summary>
    public async Task SeedAsync(int count, Func<long, string> payload, CancellationToken cancellationToken = default)
    {
        const int Batch = 1000;
        var store = Ingest;
        var batches = Enumerable.Range(0, (count + Batch - 1) / Batch);
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken }, async (b, ct) =>
        {
            var size = Math.Min(Batch, count - b * Batch);
            var events = new NewEvent[size];
            for (var i = 0; i < size; i++)
            {
                long n = (long)b * Batch + i;
                events[i] = new NewEvent(Guid.CreateVersion7(), $"merchant_{n % Scenarios.DrainTargets.SeedMerchants}", "payment.succeeded", payload(n), null, null, null);
            }
            await store.IngestAsync(events, cancellationToken: ct);
        });
    }

    /// <summary>
    /// History: events <paramref name="from"/> to <paramref name="to"/> (ids from the number, below every v7 id the
    /// engine makes), each delivered a day ago on its first attempt, with that attempt. Retention (30 days) keeps them.
    /// The rows are consistent by construction, so their foreign-key checks are skipped as pg_restore skips them
    /// (session_replication_role, reset when the connection goes back to the pool): 500,000 load in 11 s instead of 21.
    /// </summary>
    public Task LoadHistoryAsync(long from, long to, CancellationToken cancellationToken = default) => Execute($"""
        SET session_replication_role = replica;
        INSERT INTO events (id, merchant_id, type, payload, traceparent, created_at)
        SELECT lpad(to_hex(g), 32, '0')::uuid, 'merchant_' || (g % 50), 'payment.succeeded',
               json_build_object('merchantId', 'merchant_' || (g % 50), 'amount', 1000 + g % 9000, 'currency', 'INR', 'transactionId', 'txn_' || g),
               '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', now() - interval '1 day'
        FROM generate_series({from}::bigint, {to}::bigint) g;
        INSERT INTO deliveries (event_id, status, attempt_count, next_attempt_at, last_status_code, created_at, updated_at, delivered_at)
        SELECT lpad(to_hex(g), 32, '0')::uuid, 'delivered', 1, now() - interval '1 day', 200, now() - interval '1 day', now() - interval '1 day', now() - interval '1 day'
        FROM generate_series({from}::bigint, {to}::bigint) g;
        INSERT INTO delivery_attempts (delivery_id, attempt_number, started_at, duration_ms, status_code, worker_id)
        SELECT d.id, 1, d.delivered_at, 2.0, 200, 'history'
        FROM deliveries d WHERE d.event_id BETWEEN lpad(to_hex({from}::bigint), 32, '0')::uuid AND lpad(to_hex({to}::bigint), 32, '0')::uuid;
        RESET session_replication_role;
        """, cancellationToken);

    public Task ExecuteAsync(string sql, CancellationToken cancellationToken = default) => Execute(sql, cancellationToken);

    private async Task Execute(string sql, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(sql);
        command.CommandTimeout = 0; // loading history takes minutes
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<long> Scalar(string sql, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}

using Npgsql;
using NpgsqlTypes;

namespace WebhookDispatcher.Core.Storage;

/// <summary>
/// The <c>deliveries</c> table and <c>delivery_attempts</c>, its history, as the Api sees them: the fan-out of new
/// events, the queries, retries by hand and the resumption of held deliveries. The Workers' claim and outcomes are
/// <see cref="DeliveryQueue"/>.
/// </summary>
public sealed class DeliveryStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// One delivery per event and target, for the events just inserted: each endpoint of the merchant subscribed to
    /// the type; or the ad-hoc target; or, for a merchant with no endpoint at all, a NULL target that the Worker sends
    /// to <c>Dispatcher:DefaultTargetUrl</c>. A disabled endpoint's deliveries are queued held (due at 'infinity'),
    /// so nothing is dropped while it is off and enabling it sends them. Runs in <see cref="IngestTransaction"/>'s batch.
    /// </summary>
    private const string InsertForEventsSql = """
        INSERT INTO deliveries (event_id, endpoint_id, target_url, next_attempt_at)
        SELECT e.id, t.endpoint_id, t.url, CASE WHEN t.enabled THEN now() ELSE 'infinity' END
        FROM events e
        CROSS JOIN LATERAL (
            SELECT ep.id, ep.url, ep.enabled
            FROM merchant_endpoints ep
            WHERE e.target_url IS NULL AND ep.merchant_id = e.merchant_id
              AND (ep.event_types IS NULL OR e.type = ANY (ep.event_types))
            UNION ALL
            SELECT NULL::uuid, e.target_url, true
            WHERE e.target_url IS NOT NULL
               OR NOT EXISTS (SELECT 1 FROM merchant_endpoints ep WHERE ep.merchant_id = e.merchant_id)
        ) AS t (endpoint_id, url, enabled)
        WHERE e.id = ANY ($1)
        """;

    /// <summary>
    /// True for a delivery (alias <c>d</c>) whose endpoint was deleted. The foreign key set its <c>endpoint_id</c> to
    /// NULL and kept the URL it was queued for; only an endpoint's deliveries have both while their event names no
    /// ad-hoc target (a default-target delivery has no URL, an ad-hoc one its event's). Sent again, it would go to a
    /// URL that may no longer be the merchant's, signed with the platform's secret instead of the endpoint's.
    /// </summary>
    private const string EndpointDeletedSql = """
        (d.endpoint_id IS NULL AND d.target_url IS NOT NULL
         AND EXISTS (SELECT 1 FROM events de WHERE de.id = d.event_id AND de.target_url IS NULL))
        """;

    /// <summary>
    /// A retry by hand: a dead delivery goes back to pending now, with a fresh budget of attempts; never one whose
    /// endpoint was deleted (<see cref="EndpointDeletedSql"/>).
    /// </summary>
    private const string RetrySql = $"""
        UPDATE deliveries d
        SET status = 'pending', next_attempt_at = now(), retry_base = attempt_count, updated_at = now()
        WHERE status = 'dead' AND ($1::bigint IS NULL OR id = $1) AND ($2::uuid IS NULL OR event_id = $2)
          AND NOT {EndpointDeletedSql}
        RETURNING id
        """;

    /// <summary>
    /// One page of a bulk retry, in a transaction of its own: dead deliveries matching the filter that went dead
    /// before the retry began ($4), so a delivery that dies again while the retry runs is not retried twice. Those
    /// of deleted endpoints are left dead (<see cref="EndpointDeletedSql"/>), and counted apart.
    /// </summary>
    private const string DeadInFilterSql = """
        SELECT d.id FROM deliveries d JOIN events e ON e.id = d.event_id
        WHERE d.status = 'dead'
          AND ($1::text IS NULL OR e.merchant_id = $1) AND ($2::uuid IS NULL OR d.endpoint_id = $2)
          AND ($3::timestamptz IS NULL OR d.updated_at >= $3) AND d.updated_at < $4
        """;

    private const string DeadMatchingSql = $"{DeadInFilterSql}  AND NOT {EndpointDeletedSql}";

    private const string CountDeadMatchingSql = $"SELECT count(*) FROM ({DeadMatchingSql}) AS matching";

    private const string CountEndpointDeletedMatchingSql = $"SELECT count(*) FROM ({DeadInFilterSql}  AND {EndpointDeletedSql}) AS matching";

    private const string BulkRetryPageSql = $"""
        WITH page AS (
            {DeadMatchingSql}
            ORDER BY d.id
            LIMIT $5
            FOR UPDATE OF d SKIP LOCKED)
        UPDATE deliveries d
        SET status = 'pending', next_attempt_at = now(), retry_base = d.attempt_count, updated_at = now()
        FROM page WHERE d.id = page.id
        """;

    /// <summary>One page of resuming a re-enabled endpoint: its held deliveries become due now.</summary>
    private const string ResumeHeldPageSql = """
        UPDATE deliveries d SET next_attempt_at = now(), updated_at = now()
        WHERE d.id IN (
            SELECT id FROM deliveries
            WHERE status IN ('pending', 'in_flight') AND next_attempt_at = 'infinity' AND endpoint_id = $1
            LIMIT $2
            FOR UPDATE SKIP LOCKED)
        """;

    private const string CountByStatusSql = "SELECT status, count(*) FROM deliveries GROUP BY status";

    // What is still in the queue, and the dead letters waiting for review: each through its partial index
    // (deliveries_due, deliveries_dead), so the count is as large as the queue, whatever the history holds.
    private const string CountQueuedSql = """
        SELECT status, count(*) FROM deliveries WHERE status IN ('pending', 'in_flight') GROUP BY status
        UNION ALL
        SELECT 'dead', count(*) FROM deliveries WHERE status = 'dead'
        """;

    // The target shown is where the next attempt goes: the endpoint's current URL, which may have changed since
    // the event was queued (the Worker reads it the same way when it claims).
    private const string DeliveryColumns = $"""
        d.id, d.event_id, d.endpoint_id, COALESCE(ep.url, d.target_url), d.status, d.attempt_count,
        CASE WHEN d.status = 'pending' AND d.next_attempt_at < 'infinity' THEN d.next_attempt_at END, d.last_status_code, d.last_error, d.created_at, d.delivered_at,
        {EndpointDeletedSql}
        """;

    private const string DeliveriesWithEndpoint = "deliveries d LEFT JOIN merchant_endpoints ep ON ep.id = d.endpoint_id";

    private const string SelectForEventSql = $"SELECT {DeliveryColumns} FROM {DeliveriesWithEndpoint} WHERE d.event_id = $1 ORDER BY d.id";

    private const string SelectAttemptsForEventSql = """
        SELECT a.delivery_id, a.attempt_number, a.started_at, a.duration_ms, a.status_code, a.error, a.worker_id
        FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
        WHERE d.event_id = $1
        ORDER BY a.delivery_id, a.id
        """;

    private const string SelectOneSql = $"SELECT {DeliveryColumns} FROM {DeliveriesWithEndpoint} WHERE d.id = $1";

    private const string SelectAttemptsSql = """
        SELECT a.delivery_id, a.attempt_number, a.started_at, a.duration_ms, a.status_code, a.error, a.worker_id
        FROM delivery_attempts a WHERE a.delivery_id = $1 ORDER BY a.id
        """;

    private const string ListSql = $"""
        SELECT {DeliveryColumns} FROM {DeliveriesWithEndpoint}
        WHERE ($1::text IS NULL OR d.status = $1) AND ($2::uuid IS NULL OR d.endpoint_id = $2)
        ORDER BY d.updated_at DESC, d.id DESC
        LIMIT $3 OFFSET $4
        """;


    /// <summary>The fan-out of the events just inserted (<paramref name="eventIds"/>) into their deliveries.</summary>
    internal static NpgsqlBatchCommand InsertForEventsCommand(Guid[] eventIds) =>
        Sql.Command(InsertForEventsSql, new NpgsqlParameter<Guid[]> { TypedValue = eventIds });

    /// <summary>One event's deliveries, then their attempts: two results, read with <see cref="Sql.ReadDeliveriesAsync"/> and <see cref="Sql.ReadAttemptsAsync"/>.</summary>
    internal static IEnumerable<NpgsqlBatchCommand> SelectForEventCommands(Guid eventId) =>
    [
        Sql.Command(SelectForEventSql, new NpgsqlParameter<Guid> { TypedValue = eventId }),
        Sql.Command(SelectAttemptsForEventSql, new NpgsqlParameter<Guid> { TypedValue = eventId }),
    ];

    /// <summary>Sends dead deliveries again: one by id, or all of one event's; never those of a deleted endpoint.</summary>
    /// <returns>The ids that went back to pending.</returns>
    public async Task<IReadOnlyList<long>> RetryDeadAsync(long? deliveryId, Guid? eventId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(RetrySql);
        command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = deliveryId, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = eventId, NpgsqlDbType = NpgsqlDbType.Uuid });
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }
        return ids;
    }

    /// <summary>
    /// Puts every dead delivery matching <paramref name="filter"/> back to pending with a fresh budget of attempts,
    /// <paramref name="pageSize"/> at a time, so no transaction grows with the number retried.
    /// </summary>
    /// <returns>How many went back to pending.</returns>
    public async Task<long> RetryDeadMatchingAsync(BulkRetryFilter filter, int pageSize = 500, CancellationToken cancellationToken = default)
    {
        await using var now = dataSource.CreateCommand("SELECT now()");
        var startedAt = (DateTime)(await now.ExecuteScalarAsync(cancellationToken))!;
        var until = filter.Until is { } u && u.UtcDateTime < startedAt ? u.UtcDateTime : startedAt;
        long retried = 0;
        while (true)
        {
            await using var command = dataSource.CreateCommand(BulkRetryPageSql);
            AddFilter(command, filter, DateTime.SpecifyKind(until, DateTimeKind.Utc));
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pageSize });
            var page = await command.ExecuteNonQueryAsync(cancellationToken);
            retried += page;
            if (page < pageSize)
            {
                return retried;
            }
        }
    }

    /// <summary>How many dead deliveries match <paramref name="filter"/> but stay dead because their endpoint was deleted.</summary>
    public async Task<long> CountEndpointDeletedMatchingAsync(BulkRetryFilter filter, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(CountEndpointDeletedMatchingSql);
        AddFilter(command, filter, DateTime.SpecifyKind(filter.Until?.UtcDateTime ?? DateTime.MaxValue, DateTimeKind.Utc));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>How many dead deliveries <see cref="RetryDeadMatchingAsync"/> would retry now.</summary>
    public async Task<long> CountDeadMatchingAsync(BulkRetryFilter filter, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(CountDeadMatchingSql);
        AddFilter(command, filter, DateTime.SpecifyKind(filter.Until?.UtcDateTime ?? DateTime.MaxValue, DateTimeKind.Utc));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static void AddFilter(NpgsqlCommand command, BulkRetryFilter filter, DateTime until)
    {
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = filter.MerchantId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = filter.EndpointId, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = filter.Since?.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = until, NpgsqlDbType = NpgsqlDbType.TimestampTz });
    }

    /// <summary>Makes a re-enabled endpoint's held deliveries due now, a page at a time.</summary>
    /// <returns>How many were resumed.</returns>
    public async Task<long> ResumeHeldAsync(Guid endpointId, int pageSize = 1000, CancellationToken cancellationToken = default)
    {
        long resumed = 0;
        while (true)
        {
            await using var command = dataSource.CreateCommand(ResumeHeldPageSql);
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = endpointId });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pageSize });
            var page = await command.ExecuteNonQueryAsync(cancellationToken);
            resumed += page;
            if (page < pageSize)
            {
                return resumed;
            }
        }
    }

    /// <summary>
    /// Pending, in-flight and dead deliveries (zero when none), under <see cref="StablePlans"/>: reads the queue and
    /// the dead letters, never the delivered history, which would make each count read all of <c>deliveries</c>,
    /// growing with the history instead of the queue.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> CountQueuedAsync(CancellationToken cancellationToken = default)
    {
        var counts = new Dictionary<string, long> { [DeliveryStatus.Pending] = 0, [DeliveryStatus.InFlight] = 0, [DeliveryStatus.Dead] = 0 };
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(StablePlans.Command());
        batch.BatchCommands.Add(new NpgsqlBatchCommand(CountQueuedSql));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }
        return counts;
    }

    /// <summary>Deliveries by status, every status present (zero when none): reads the whole table.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountByStatusAsync(CancellationToken cancellationToken = default)
    {
        var counts = DeliveryStatus.All.ToDictionary(s => s, _ => 0L);
        await using var command = dataSource.CreateCommand(CountByStatusSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }
        return counts;
    }

    public async Task<DeliveryDetails?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Sql.Command(SelectOneSql, new NpgsqlParameter<long> { TypedValue = id }));
        batch.BatchCommands.Add(Sql.Command(SelectAttemptsSql, new NpgsqlParameter<long> { TypedValue = id }));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var deliveries = await Sql.ReadDeliveriesAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var attempts = await Sql.ReadAttemptsAsync(reader, cancellationToken);
        return deliveries.Count == 0 ? null : deliveries[0] with { Attempts = attempts.GetValueOrDefault(id, []) };
    }

    public async Task<IReadOnlyList<DeliveryDetails>> ListAsync(string? status, Guid? endpointId, int limit, int offset, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(ListSql);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = status, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = endpointId, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = offset });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await Sql.ReadDeliveriesAsync(reader, cancellationToken);
    }
}

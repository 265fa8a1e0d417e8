using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace WebhookDispatcher.Core.Storage;

/// <summary>
/// The <c>deliveries</c> table, which is the queue, and <c>delivery_attempts</c>, its history.
/// </summary>
public sealed class DeliveryStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// One delivery per event and target, for the events just inserted: each endpoint of the merchant subscribed to
    /// the type; or the ad-hoc target; or, for a merchant with no endpoint at all, a NULL target that the Worker sends
    /// to <c>Dispatcher:DefaultTargetUrl</c>. A disabled endpoint's deliveries are queued held (due at 'infinity'),
    /// so nothing is dropped while it is off and enabling it sends them. Runs in <see cref="EventStore.IngestAsync"/>'s batch.
    /// </summary>
    internal const string InsertForEventsSql = """
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
    /// The key of a claimed delivery's target in <c>target_states</c>: the endpoint's id, or 'url:' and the URL
    /// ($4 is the default target's URL).
    /// </summary>
    private const string TargetKeySql = "COALESCE(c.endpoint_id::text, 'url:' || COALESCE(c.target_url, $4))";

    /// <summary>
    /// Leases up to $1 due deliveries: pending ones whose time has come, and in-flight ones whose lease ran out
    /// (their Worker died). SKIP LOCKED lets Workers claim side by side without waiting on or taking each other's
    /// rows; the lease is committed before any HTTP call is made. The candidates are picked once, as an array (an
    /// InitPlan), so no plan can run the locking subquery again per row and lease more than $1; they are then
    /// found by primary key. Each comes with its target's rate limit and shared circuit, which the Worker's
    /// <c>TargetGate</c> applies before sending. Its event, endpoint and target state are each looked up by key, in a
    /// lateral subquery the planner may not flatten (OFFSET 0): so the claimed rows are always the outer side and each
    /// lookup reads one index entry, whatever the statistics. As plain joins, a plan made on empty tables put the
    /// events on the outside and read all of them for every claimed row (10,086,308 index reads for 200 claimed).
    /// That makes the plan safe to make once per connection (<see cref="StablePlans.Sql"/>), where a plan made for
    /// each claim cost 0.3–0.6 ms of planning: most of the database's work for a claim of a few rows.
    /// The candidates' payloads are added up in due order, from each event's <c>payload_bytes</c> (never the payload),
    /// and only those within $5 bytes are leased, though always the first, so one payload over the cap still goes:
    /// a producer's large payloads cannot make one claim load more than a Worker can hold. Candidates past the cap
    /// are locked only until this statement commits, and stay pending for the next claim.
    /// </summary>
    internal const string ClaimSql = $"""
        WITH claimed AS (
            UPDATE deliveries d
            SET status = 'in_flight', locked_by = $2, locked_until = now() + $3, next_attempt_at = now() + $3, updated_at = now()
            WHERE d.id = ANY (ARRAY(
                SELECT id FROM (
                    SELECT c.id, row_number() OVER w AS n, sum(pe.payload_bytes) OVER w AS bytes
                    FROM (SELECT id, event_id, next_attempt_at FROM deliveries
                          WHERE status IN ('pending', 'in_flight') AND next_attempt_at <= now()
                          ORDER BY next_attempt_at
                          LIMIT $1
                          FOR UPDATE SKIP LOCKED) c
                    CROSS JOIN LATERAL (SELECT payload_bytes FROM events WHERE id = c.event_id OFFSET 0) pe
                    WINDOW w AS (ORDER BY c.next_attempt_at ROWS UNBOUNDED PRECEDING)) sized
                WHERE n = 1 OR bytes <= $5))
            RETURNING d.id, d.event_id, d.endpoint_id, d.target_url, d.attempt_count, d.retry_base)
        SELECT c.id, c.event_id, c.endpoint_id, COALESCE(ep.url, c.target_url), c.attempt_count, c.retry_base,
               e.merchant_id, e.type, e.payload::text, e.created_at, e.traceparent,
               ep.secret, CASE WHEN ep.previous_secret_expires_at > now() THEN ep.previous_secret END,
               COALESCE(ep.enabled, true), {TargetKeySql}, ep.rate_limit_per_second,
               extract(epoch FROM ts.circuit_open_until - now())::float8, extract(epoch FROM ts.probe_until - now())::float8,
               COALESCE(ts.consecutive_failures, 0), COALESCE(ts.awaiting_success, false),
               COALESCE(ep.legacy_signature, true)
        FROM claimed c
        CROSS JOIN LATERAL (
            SELECT merchant_id, type, payload, created_at, traceparent FROM events WHERE id = c.event_id OFFSET 0) e
        LEFT JOIN LATERAL (
            SELECT url, secret, previous_secret, previous_secret_expires_at, enabled, rate_limit_per_second, legacy_signature
            FROM merchant_endpoints WHERE id = c.endpoint_id OFFSET 0) ep ON true
        LEFT JOIN LATERAL (
            SELECT circuit_open_until, probe_until, consecutive_failures, awaiting_success
            FROM target_states WHERE target_key = {TargetKeySql} OFFSET 0) ts ON true
        """;

    // The first entry of deliveries_due, in its order: under StablePlans (no sort) nothing else is left, where min()
    // over stale statistics aggregated the whole index instead (100,000 rows read for one).
    private const string NextDueSql = """
        SELECT next_attempt_at FROM deliveries WHERE status IN ('pending', 'in_flight') AND next_attempt_at < 'infinity'
        ORDER BY next_attempt_at LIMIT 1
        """;

    /// <summary>
    /// Writes a batch of outcomes in one statement: an attempt row for each try, and the delivery's new state.
    /// A delivery is only updated while this Worker still holds its lease at the attempt count it claimed, so a
    /// Worker that lost its lease (it stalled past it and another claimed the row) cannot overwrite newer state;
    /// its attempt is still recorded, because it happened. The lease is <c>locked_by</c>: only the claim sets it,
    /// together with <c>in_flight</c>, and only this statement clears it, so it alone says the row is still in this
    /// Worker's hands. The status is deliberately not tested: a condition on it would offer the planner
    /// <c>deliveries_due</c>, and on stale statistics it took that (every due row read per batch) over the rows'
    /// primary keys ($1, under <see cref="StablePlans.HashJoinsSql"/>).
    /// </summary>
    private const string RecordOutcomesSql = """
        WITH r AS (
            SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::float8[], $5::bool[], $6::int[], $7::text[],
                                 $8::timestamptz[], $9::float8[])
                AS r (delivery_id, fence, status, delay_s, attempted, status_code, error, started_at, duration_ms)
        ), attempts AS (
            INSERT INTO delivery_attempts (delivery_id, attempt_number, started_at, duration_ms, status_code, error, worker_id)
            SELECT delivery_id, fence + 1, started_at, duration_ms, status_code, error, $10 FROM r WHERE attempted
        )
        UPDATE deliveries d SET
            status = r.status,
            attempt_count = d.attempt_count + CASE WHEN r.attempted THEN 1 ELSE 0 END,
            next_attempt_at = CASE WHEN r.delay_s = 'Infinity' THEN 'infinity' ELSE now() + make_interval(secs => r.delay_s) END,
            locked_until = NULL,
            locked_by = NULL,
            last_status_code = CASE WHEN r.attempted THEN r.status_code ELSE d.last_status_code END,
            last_error = COALESCE(r.error, CASE WHEN r.attempted THEN NULL ELSE d.last_error END),
            delivered_at = CASE WHEN r.status = 'delivered' THEN now() ELSE d.delivered_at END,
            updated_at = now()
        FROM r
        WHERE d.id = ANY ($1) AND d.id = r.delivery_id AND d.locked_by = $10 AND d.attempt_count = r.fence
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

    internal const string SelectForEventSql = $"SELECT {DeliveryColumns} FROM {DeliveriesWithEndpoint} WHERE d.event_id = $1 ORDER BY d.id";

    internal const string SelectAttemptsForEventSql = """
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

    /// <param name="defaultTargetUrl">Where deliveries with no target go, so they are keyed by it in <c>target_states</c>.</param>
    /// <param name="maxBytes">The most payload bytes one claim may load (<c>Dispatcher:MaxClaimBytes</c>); one delivery is always claimed.</param>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(int limit, string workerId, TimeSpan lease, string? defaultTargetUrl = null,
        long maxBytes = long.MaxValue, CancellationToken cancellationToken = default)
    {
        // One round trip and one implicit transaction: the plan settings, then the claim, committed together.
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(StablePlans.Command());
        batch.BatchCommands.Add(EventStore.Command(ClaimSql,
            new NpgsqlParameter<int> { TypedValue = limit },
            new NpgsqlParameter<string> { TypedValue = workerId },
            new NpgsqlParameter<TimeSpan> { TypedValue = lease },
            new NpgsqlParameter<string?> { TypedValue = defaultTargetUrl, NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter<long> { TypedValue = maxBytes }));
        var claimed = new List<ClaimedDelivery>(limit);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new ClaimedDelivery(
                Id: reader.GetInt64(0),
                EventId: reader.GetGuid(1),
                EndpointId: reader.IsDBNull(2) ? null : reader.GetGuid(2),
                TargetUrl: reader.IsDBNull(3) ? null : reader.GetString(3),
                AttemptCount: reader.GetInt32(4),
                RetryBase: reader.GetInt32(5),
                MerchantId: reader.GetString(6),
                EventType: reader.GetString(7),
                PayloadJson: reader.GetString(8),
                EventCreatedAt: reader.GetFieldValue<DateTimeOffset>(9),
                Traceparent: reader.IsDBNull(10) ? null : reader.GetString(10),
                EndpointSecret: reader.IsDBNull(11) ? null : reader.GetString(11),
                EndpointPreviousSecret: reader.IsDBNull(12) ? null : reader.GetString(12),
                EndpointEnabled: reader.GetBoolean(13))
            {
                TargetKey = reader.IsDBNull(14) ? null : reader.GetString(14),
                RateLimitPerSecond = reader.IsDBNull(15) ? null : reader.GetInt32(15),
                CircuitOpenFor = reader.IsDBNull(16) ? null : TimeSpan.FromSeconds(reader.GetDouble(16)),
                ProbeOutFor = reader.IsDBNull(17) ? null : TimeSpan.FromSeconds(reader.GetDouble(17)),
                ConsecutiveFailures = reader.GetInt32(18),
                TargetAwaitingSuccess = reader.GetBoolean(19),
                LegacySignature = reader.GetBoolean(20),
            });
        }
        return claimed;
    }

    /// <summary>When the earliest pending delivery is due (or an in-flight lease ends); null when there is none.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(StablePlans.Command());
        batch.BatchCommands.Add(new NpgsqlBatchCommand(NextDueSql));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var value = await reader.ReadAsync(cancellationToken) ? reader.GetValue(0) : null;
        return value is DateTime due ? new DateTimeOffset(due, TimeSpan.Zero) : null;
    }

    /// <returns>How many deliveries were updated (fewer than given when a lease was lost).</returns>
    public async Task<int> RecordOutcomesAsync(IReadOnlyList<DeliveryOutcome> outcomes, string workerId, CancellationToken cancellationToken = default)
    {
        // One round trip and one implicit transaction: the plan settings, then the outcomes.
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(StablePlans.Command(StablePlans.HashJoinsSql));
        var record = RecordOutcomesCommand(outcomes, workerId);
        batch.BatchCommands.Add(record);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return record.RecordsAffected;
    }

    /// <summary>The outcome statement with its arrays, for <see cref="RecordOutcomesAsync"/>'s batch (and the plan tests).</summary>
    internal static NpgsqlBatchCommand RecordOutcomesCommand(IReadOnlyList<DeliveryOutcome> outcomes, string workerId)
    {
        var count = outcomes.Count;
        var ids = new long[count];
        var fences = new int[count];
        var statuses = new string[count];
        var delays = new double[count];
        var attempted = new bool[count];
        var codes = new int?[count];
        var errors = new string?[count];
        var started = new DateTime[count];
        var durations = new double[count];
        for (var i = 0; i < count; i++)
        {
            var o = outcomes[i];
            ids[i] = o.DeliveryId;
            fences[i] = o.ClaimedAttemptCount;
            statuses[i] = o.Status;
            delays[i] = o.RetryDelay == DeliveryOutcome.Held ? double.PositiveInfinity : o.RetryDelay.TotalSeconds;
            attempted[i] = o.Attempted;
            codes[i] = o.StatusCode;
            errors[i] = o.Error;
            started[i] = o.StartedAt.UtcDateTime;
            durations[i] = o.DurationMs;
        }
        return EventStore.Command(RecordOutcomesSql,
            new NpgsqlParameter<long[]> { TypedValue = ids },
            new NpgsqlParameter<int[]> { TypedValue = fences },
            new NpgsqlParameter<string[]> { TypedValue = statuses },
            new NpgsqlParameter<double[]> { TypedValue = delays },
            new NpgsqlParameter<bool[]> { TypedValue = attempted },
            new NpgsqlParameter<int?[]> { TypedValue = codes },
            new NpgsqlParameter<string?[]> { TypedValue = errors },
            new NpgsqlParameter<DateTime[]> { TypedValue = started, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz },
            new NpgsqlParameter<double[]> { TypedValue = durations },
            new NpgsqlParameter<string> { TypedValue = workerId });
    }

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
    /// the dead letters, never the delivered history (counting that read all of <c>deliveries</c>: with 10,000,000
    /// delivered, about 2 s of a core per count).
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
        batch.BatchCommands.Add(EventStore.Command(SelectOneSql, new NpgsqlParameter<long> { TypedValue = id }));
        batch.BatchCommands.Add(EventStore.Command(SelectAttemptsSql, new NpgsqlParameter<long> { TypedValue = id }));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var deliveries = await ReadDeliveriesAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var attempts = await ReadAttemptsAsync(reader, cancellationToken);
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
        return await ReadDeliveriesAsync(reader, cancellationToken);
    }

    internal static async Task<List<DeliveryDetails>> ReadDeliveriesAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var deliveries = new List<DeliveryDetails>();
        while (await reader.ReadAsync(cancellationToken))
        {
            deliveries.Add(new DeliveryDetails(
                Id: reader.GetInt64(0),
                EventId: reader.GetGuid(1),
                EndpointId: reader.IsDBNull(2) ? null : reader.GetGuid(2),
                TargetUrl: reader.IsDBNull(3) ? null : reader.GetString(3),
                Status: reader.GetString(4),
                AttemptCount: reader.GetInt32(5),
                NextAttemptAt: reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                LastStatusCode: reader.IsDBNull(7) ? null : reader.GetInt32(7),
                LastError: reader.IsDBNull(8) ? null : reader.GetString(8),
                CreatedAt: reader.GetFieldValue<DateTimeOffset>(9),
                DeliveredAt: reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
                Attempts: [])
            {
                EndpointDeleted = reader.GetBoolean(11),
            });
        }
        return deliveries;
    }

    internal static async Task<Dictionary<long, List<DeliveryAttempt>>> ReadAttemptsAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var attempts = new Dictionary<long, List<DeliveryAttempt>>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var deliveryId = reader.GetInt64(0);
            if (!attempts.TryGetValue(deliveryId, out var list))
            {
                attempts[deliveryId] = list = [];
            }
            list.Add(new DeliveryAttempt(
                AttemptNumber: reader.GetInt32(1),
                StartedAt: reader.GetFieldValue<DateTimeOffset>(2),
                DurationMs: reader.GetDouble(3),
                StatusCode: reader.IsDBNull(4) ? null : reader.GetInt32(4),
                Error: reader.IsDBNull(5) ? null : reader.GetString(5),
                WorkerId: reader.IsDBNull(6) ? null : reader.GetString(6)));
        }
        return attempts;
    }
}

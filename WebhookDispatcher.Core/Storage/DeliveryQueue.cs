using Npgsql;
using NpgsqlTypes;

namespace WebhookDispatcher.Core.Storage;

/// <summary>
/// The Workers' side of <c>deliveries</c>, the queue: leasing due deliveries, recording what each attempt did, and
/// when the next one is due. The Api's queries, retries and recovery over the same table are <see cref="DeliveryStore"/>.
/// </summary>
public sealed class DeliveryQueue(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// The key of a claimed delivery's target in <c>target_states</c>, as <see cref="Targets.TargetKey"/> spells it:
    /// the endpoint's id, or its URL prefix and the URL ($4 is the default target's URL).
    /// </summary>
    private const string TargetKeySql = $"COALESCE(c.endpoint_id::text, '{Targets.TargetKey.UrlPrefix}' || COALESCE(c.target_url, $4))";

    /// <summary>
    /// Leases up to $1 due deliveries: pending ones whose time has come, and in-flight ones whose lease ran out
    /// (their Worker died). SKIP LOCKED lets Workers claim side by side without waiting on or taking each other's
    /// rows; the lease is committed before any HTTP call is made. The candidates are picked once, as an array (an
    /// InitPlan), so no plan can run the locking subquery again per row and lease more than $1; they are then
    /// found by primary key. Each comes with its target's rate limit and shared circuit, which the Worker's
    /// <c>TargetGate</c> applies before sending. Its event, endpoint and target state are each looked up by key, in a
    /// lateral subquery the planner may not flatten (OFFSET 0): so the claimed rows are always the outer side and each
    /// lookup reads one index entry, whatever the statistics. As plain joins, a plan made on empty tables put the
    /// events on the outside and read all of them for every claimed row. That makes the plan safe to make once per
    /// connection (<see cref="StablePlans.Sql"/>), where planning each claim afresh is most of the database's work for
    /// a claim of a few rows.
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
    // over stale statistics aggregates the whole index to find one row.
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

    /// <param name="defaultTargetUrl">Where deliveries with no target go, so they are keyed by it in <c>target_states</c>.</param>
    /// <param name="maxBytes">The most payload bytes one claim may load (<c>Dispatcher:MaxClaimBytes</c>); one delivery is always claimed.</param>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(int limit, string workerId, TimeSpan lease, string? defaultTargetUrl = null,
        long maxBytes = long.MaxValue, CancellationToken cancellationToken = default)
    {
        // One round trip and one implicit transaction: the plan settings, then the claim, committed together.
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(StablePlans.Command());
        batch.BatchCommands.Add(Sql.Command(ClaimSql,
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
                TargetKey = reader.IsDBNull(14) ? null : Targets.TargetKey.FromStored(reader.GetString(14)),
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
        return Sql.Command(RecordOutcomesSql,
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
}

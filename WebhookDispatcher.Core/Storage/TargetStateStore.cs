using Npgsql;
using NpgsqlTypes;
using WebhookDispatcher.Core.Targets;

namespace WebhookDispatcher.Core.Storage;

/// <summary>
/// The <c>target_states</c> table: each target's pace and circuit, shared by every Worker. The truth lives here,
/// beside the queue, so a limit and a circuit hold with any number of Workers and with Redis down. Each change first
/// locks its rows in key order (Workers never deadlock on them), then reads and writes them in a statement of its
/// own, whose snapshot and clock come after the lock: what another Worker just committed is seen, not overwritten.
/// </summary>
public sealed class TargetStateStore(NpgsqlDataSource dataSource)
{
    private const string EnsureRowsSql = """
        INSERT INTO target_states (target_key, endpoint_id)
        SELECT k.target_key, k.endpoint_id FROM unnest($1::text[], $2::uuid[]) AS k (target_key, endpoint_id)
        ORDER BY k.target_key
        ON CONFLICT (target_key) DO NOTHING
        """;

    private const string LockRowsSql = """
        SELECT target_key FROM target_states WHERE target_key = ANY ($1) ORDER BY target_key FOR UPDATE
        """;

    /// <summary>
    /// Generic cell rate algorithm: a target's next free slot is <c>next_send_at</c>. A Worker takes the slots that
    /// start within the horizon ($4 seconds), at most what it wants, and moves <c>next_send_at</c> past them. Slots
    /// taken and not used (a Worker died) are simply lost: the rate can come out lower, never higher. What it could
    /// not take it puts back due one slot apart from <c>deferred_until</c>, which moves past them too.
    /// </summary>
    private const string ReserveSql = """
        WITH clock AS MATERIALIZED (
            SELECT clock_timestamp() AS now
        ), k AS (
            SELECT * FROM unnest($1::text[], $2::int[], $3::float8[]) AS k (target_key, wanted, rate)
        ), taking AS (
            SELECT s.target_key, k.wanted, k.rate, s.deferred_until, clock.now, greatest(s.next_send_at, clock.now) AS starts_at,
                   least(k.wanted, greatest(0, ceil(($4 - extract(epoch FROM greatest(s.next_send_at, clock.now) - clock.now)) * k.rate)))::int AS taken
            FROM target_states s JOIN k USING (target_key) CROSS JOIN clock
        ), plan AS (
            SELECT t.*, t.starts_at + make_interval(secs => t.taken / t.rate) AS next_send_at,
                   greatest(t.deferred_until, t.starts_at + make_interval(secs => t.taken / t.rate)) AS defer_from
            FROM taking t
        )
        UPDATE target_states s
        SET next_send_at = p.next_send_at,
            deferred_until = p.defer_from + make_interval(secs => (p.wanted - p.taken) / p.rate),
            rate_per_second = p.rate,
            updated_at = p.now
        FROM plan p
        WHERE s.target_key = p.target_key
        RETURNING s.target_key, extract(epoch FROM p.starts_at - p.now)::float8, p.taken, p.rate,
                  extract(epoch FROM p.defer_from - p.now)::float8, p.now
        """;

    /// <summary>A half-open circuit lets one probe through, for all Workers: the first to ask gets it.</summary>
    private const string StartProbeSql = """
        UPDATE target_states SET probe_until = now() + $2, updated_at = now()
        WHERE target_key = $1 AND circuit_open_until <= now() AND (probe_until IS NULL OR probe_until <= now())
        """;

    /// <summary>
    /// Counts a batch's results in. A success resets the streak and closes the circuit; failures lengthen the streak,
    /// and at the threshold ($7) open the circuit for the cooldown ($8), or reopen it when a half-open probe failed.
    /// A healthy target that stays healthy is not written. Returns the targets that changed.
    /// </summary>
    private const string RecordResultsSql = """
        WITH r AS (
            SELECT * FROM unnest($1::text[], $2::bool[], $3::int[], $4::timestamptz[], $5::text[])
                AS r (target_key, succeeded, trailing_failures, first_failure_at, last_error)
        ), locked AS (
            SELECT s.target_key, s.consecutive_failures, s.circuit_open_until
            FROM target_states s JOIN r USING (target_key)
        ), n AS (
            SELECT r.*, c.circuit_open_until AS open_until,
                   CASE WHEN r.succeeded THEN r.trailing_failures ELSE c.consecutive_failures + r.trailing_failures END AS failures
            FROM r JOIN locked c USING (target_key)
        ), opening AS (
            SELECT n.*, n.failures >= $6 AND (n.open_until IS NULL OR n.open_until <= now()) AS opens FROM n
        )
        UPDATE target_states s SET
            consecutive_failures = o.failures,
            failing_since = CASE WHEN o.failures = 0 THEN NULL
                                 WHEN o.succeeded THEN o.first_failure_at
                                 ELSE COALESCE(s.failing_since, o.first_failure_at) END,
            last_error = CASE WHEN o.failures = 0 THEN NULL ELSE COALESCE(o.last_error, s.last_error) END,
            circuit_open_until = CASE WHEN o.failures = 0 THEN NULL WHEN o.opens THEN now() + $7 ELSE o.open_until END,
            circuit_opened_at = CASE WHEN o.failures = 0 THEN NULL WHEN o.opens THEN now() ELSE s.circuit_opened_at END,
            probe_until = NULL,
            awaiting_success = false,
            updated_at = now()
        FROM opening o
        WHERE s.target_key = o.target_key
          AND NOT (o.failures = 0 AND s.consecutive_failures = 0 AND s.circuit_open_until IS NULL AND s.probe_until IS NULL
                   AND NOT s.awaiting_success)
        RETURNING s.target_key, s.endpoint_id, s.consecutive_failures, s.failing_since, s.circuit_open_until, o.opens,
                  s.consecutive_failures > 0 AND s.failing_since <= now() - $8, s.last_error
        """;

    /// <summary>
    /// A fresh start for an endpoint that is enabled again: no streak, circuit closed; its next success is still
    /// counted (<c>awaiting_success</c>) so that it resolves what its failures raised.
    /// </summary>
    private const string ResetSql = """
        UPDATE target_states
        SET consecutive_failures = 0, failing_since = NULL, last_error = NULL, circuit_open_until = NULL,
            circuit_opened_at = NULL, probe_until = NULL, awaiting_success = true, updated_at = now()
        WHERE endpoint_id = $1
        """;

    /// <summary>
    /// One batch of pruning: rows of ad-hoc targets (<c>url:</c> keys other than the default target's, $1) that no
    /// Worker has touched since $2 and that hold nothing back (no circuit open, no pace reserved past $2). Anyone with
    /// a key can name a new ad-hoc URL per event, so these rows would otherwise grow without bound. An idle row that
    /// still counts failures goes too: past the idle period no retry is due to it, and should one come, its streak
    /// starts again. SKIP LOCKED, so a Worker counting results into a row is never waited on.
    /// </summary>
    private const string DeleteIdleAdHocSql = $"""
        DELETE FROM target_states WHERE target_key IN (
            SELECT target_key FROM target_states
            WHERE endpoint_id IS NULL AND target_key LIKE '{TargetKey.UrlPrefix}%' AND target_key IS DISTINCT FROM $1
              AND updated_at < $2 AND next_send_at < $2 AND deferred_until < $2
              AND (circuit_open_until IS NULL OR circuit_open_until < $2) AND (probe_until IS NULL OR probe_until < $2)
            LIMIT $3
            FOR UPDATE SKIP LOCKED)
        """;

    private const string AnyAdHocFailingSql = $"""
        SELECT EXISTS (SELECT 1 FROM target_states
                       WHERE endpoint_id IS NULL AND target_key LIKE '{TargetKey.UrlPrefix}%' AND target_key IS DISTINCT FROM $1
                         AND consecutive_failures > 0)
        """;

    /// <summary>Removes up to <paramref name="batchSize"/> rows of ad-hoc targets idle since <paramref name="idleSince"/>.</summary>
    /// <param name="defaultTargetKey">The default target's key (<c>url:</c> and its URL), which is kept; null when there is none.</param>
    /// <returns>How many rows were removed.</returns>
    public async Task<int> DeleteIdleAdHocAsync(TargetKey? defaultTargetKey, DateTimeOffset idleSince, int batchSize, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(DeleteIdleAdHocSql);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = defaultTargetKey?.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = idleSince.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = batchSize });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Whether any ad-hoc target (not the default target, <paramref name="defaultTargetKey"/>) is failing now.</summary>
    public async Task<bool> AnyAdHocFailingAsync(TargetKey? defaultTargetKey, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(AnyAdHocFailingSql);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = defaultTargetKey?.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Reserves send slots for rate-limited targets, one statement for all of them.</summary>
    public async Task<IReadOnlyList<PaceReservation>> ReserveAsync(IReadOnlyList<PaceRequest> requests, TimeSpan horizon, CancellationToken cancellationToken = default)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(EnsureRows(requests.Select(r => (r.TargetKey.Value, r.EndpointId))));
        batch.BatchCommands.Add(LockRows(requests.Select(r => r.TargetKey.Value)));
        batch.BatchCommands.Add(Sql.Command(ReserveSql,
            new NpgsqlParameter<string[]> { TypedValue = requests.Select(r => r.TargetKey.Value).ToArray() },
            new NpgsqlParameter<int[]> { TypedValue = requests.Select(r => r.Wanted).ToArray() },
            new NpgsqlParameter<double[]> { TypedValue = requests.Select(r => r.RatePerSecond).ToArray() },
            new NpgsqlParameter<double> { TypedValue = horizon.TotalSeconds }));
        var reservations = new List<PaceReservation>(requests.Count);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken); // past the lock's rows
        while (await reader.ReadAsync(cancellationToken))
        {
            reservations.Add(new PaceReservation(TargetKey.FromStored(reader.GetString(0)), TimeSpan.FromSeconds(reader.GetDouble(1)), reader.GetInt32(2),
                reader.GetDouble(3), TimeSpan.FromSeconds(reader.GetDouble(4)), reader.GetFieldValue<DateTimeOffset>(5)));
        }
        return reservations;
    }

    /// <returns>True when this caller may send the one probe of a half-open circuit; it has <paramref name="window"/> to report.</returns>
    public async Task<bool> TryStartProbeAsync(TargetKey targetKey, TimeSpan window, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(StartProbeSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = targetKey.Value });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = window });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Counts results into each target's streak and circuit.</summary>
    /// <param name="openAfter">Failures in a row that open the circuit.</param>
    /// <param name="cooldown">How long an opened circuit stays open before one probe may go.</param>
    /// <param name="disableAfter">How long every attempt must have failed before the endpoint should be disabled.</param>
    public async Task<IReadOnlyList<TargetStateChange>> RecordResultsAsync(IReadOnlyList<TargetResult> results, int openAfter,
        TimeSpan cooldown, TimeSpan disableAfter, CancellationToken cancellationToken = default)
    {
        await using var batch = dataSource.CreateBatch();
        // Only a failure creates a row; a success for a target with no row has nothing to reset.
        batch.BatchCommands.Add(EnsureRows(results.Where(r => r.TrailingFailures > 0).Select(r => (r.TargetKey.Value, r.EndpointId))));
        batch.BatchCommands.Add(LockRows(results.Select(r => r.TargetKey.Value)));
        batch.BatchCommands.Add(Sql.Command(RecordResultsSql,
            new NpgsqlParameter<string[]> { TypedValue = results.Select(r => r.TargetKey.Value).ToArray() },
            new NpgsqlParameter<bool[]> { TypedValue = results.Select(r => r.Succeeded).ToArray() },
            new NpgsqlParameter<int[]> { TypedValue = results.Select(r => r.TrailingFailures).ToArray() },
            new NpgsqlParameter<DateTime?[]>
            {
                TypedValue = results.Select(r => r.FirstTrailingFailureAt?.UtcDateTime).ToArray(),
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
            },
            new NpgsqlParameter<string?[]> { TypedValue = results.Select(r => r.LastError).ToArray() },
            new NpgsqlParameter<int> { TypedValue = openAfter },
            new NpgsqlParameter<TimeSpan> { TypedValue = cooldown },
            new NpgsqlParameter<TimeSpan> { TypedValue = disableAfter }));
        var changes = new List<TargetStateChange>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken); // past the lock's rows
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Add(new TargetStateChange(
                TargetKey: TargetKey.FromStored(reader.GetString(0)),
                EndpointId: reader.IsDBNull(1) ? null : reader.GetGuid(1),
                ConsecutiveFailures: reader.GetInt32(2),
                FailingSince: reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                CircuitOpenUntil: reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                CircuitOpened: reader.GetBoolean(5),
                FailingTooLong: !reader.IsDBNull(6) && reader.GetBoolean(6),
                LastError: reader.IsDBNull(7) ? null : reader.GetString(7)));
        }
        return changes;
    }

    /// <summary>Forgets an endpoint's failures and closes its circuit (it was enabled again).</summary>
    public async Task ResetAsync(Guid endpointId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(ResetSql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = endpointId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand LockRows(IEnumerable<string> keys) =>
        Sql.Command(LockRowsSql, new NpgsqlParameter<string[]> { TypedValue = keys.ToArray() });

    private static NpgsqlBatchCommand EnsureRows(IEnumerable<(string Key, Guid? EndpointId)> targets)
    {
        var list = targets.ToList();
        return Sql.Command(EnsureRowsSql,
            new NpgsqlParameter<string[]> { TypedValue = list.Select(t => t.Key).ToArray() },
            new NpgsqlParameter<Guid?[]> { TypedValue = list.Select(t => t.EndpointId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
    }
}

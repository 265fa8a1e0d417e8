using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using WebhookDispatcher.Core.Alerts;

namespace WebhookDispatcher.Core.Storage;

/// <summary>
/// The <c>alerts</c> table, the on-call incidents, and <c>alert_notifications</c>, the outbox of what Slack and
/// PagerDuty are to be told about them. Raising and resolving are level-based and idempotent: the Worker's outcome
/// path calls them with whatever it saw, from any number of Workers at once, as often as it likes.
/// </summary>
public sealed class AlertStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// The one target key under which every ad-hoc target's alerts are raised. Anyone holding a key can name a new
    /// ad-hoc URL per event; keyed per URL, each failing one would page on-call. Under one key there is at most one
    /// firing ad-hoc alert (the unique index on firing alerts) and, once resolved, none of the same kind within the
    /// cooldown. Not an endpoint id and not a <c>url:</c> key, so it meets neither.
    /// </summary>
    public const string AdHocTargetsKey = "ad-hoc-targets";

    /// <summary>Notification errors are kept to this many characters.</summary>
    public const int MaxErrorLength = 2000;

    private const int MaxDetailLength = 4000;

    /// <summary>
    /// One statement for a batch of triggers: grouped per target (every kind named, the latest of the rest), then
    /// each target either merges into its firing alert (kinds added, detail replaced, nothing queued, and no write at
    /// all when nothing changed) or, unless every kind is in its cooldown, raises a new alert with one trigger
    /// notification per channel. The unique index on firing alerts settles two Workers raising together: one
    /// inserts, the other waits for it and merges (xmax = 0 tells a fresh row from a merged one).
    /// </summary>
    private const string RaiseSql = """
        WITH t AS (
            SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY
                AS t (target_key, endpoint_id, merchant_id, target_url, kind, summary, detail, n)
        ), k AS (
            SELECT t.target_key,
                   (array_agg(t.endpoint_id ORDER BY t.n DESC))[1] AS endpoint_id,
                   (array_agg(t.merchant_id ORDER BY t.n DESC))[1] AS merchant_id,
                   (array_agg(t.target_url ORDER BY t.n DESC))[1] AS target_url,
                   (SELECT array_agg(f.kind ORDER BY f.first)
                    FROM (SELECT t2.kind, min(t2.n) AS first FROM t t2 WHERE t2.target_key = t.target_key GROUP BY t2.kind) f) AS kinds,
                   (array_agg(t.summary ORDER BY t.n DESC))[1] AS summary,
                   (array_agg(t.detail ORDER BY t.n DESC) FILTER (WHERE t.detail IS NOT NULL))[1] AS detail
            FROM t
            GROUP BY t.target_key
        ), candidates AS (
            SELECT k.* FROM k
            WHERE EXISTS (SELECT 1 FROM alerts a WHERE a.target_key = k.target_key AND a.resolved_at IS NULL)
               OR EXISTS (SELECT 1 FROM unnest(k.kinds) AS c (kind)
                          WHERE NOT EXISTS (SELECT 1 FROM alerts a
                                            WHERE a.target_key = k.target_key AND a.raised_at > now() - $8 AND c.kind = ANY (a.kinds)))
        ), upserted AS (
            INSERT INTO alerts (target_key, endpoint_id, merchant_id, target_url, kinds, summary, detail)
            SELECT target_key, endpoint_id, merchant_id, target_url, kinds, summary, detail FROM candidates
            ON CONFLICT (target_key) WHERE resolved_at IS NULL DO UPDATE SET
                kinds = alerts.kinds || ARRAY(SELECT x FROM unnest(excluded.kinds) AS x WHERE x <> ALL (alerts.kinds)),
                detail = COALESCE(excluded.detail, alerts.detail),
                updated_at = now()
            WHERE NOT (excluded.kinds <@ alerts.kinds)
               OR (excluded.detail IS NOT NULL AND excluded.detail IS DISTINCT FROM alerts.detail)
            RETURNING alerts.id, alerts.target_key, (alerts.xmax = 0) AS raised
        ), queued AS (
            INSERT INTO alert_notifications (alert_id, target_key, channel, action)
            SELECT u.id, u.target_key, c.channel, 'trigger'
            FROM upserted u CROSS JOIN unnest($9::text[]) AS c (channel)
            WHERE u.raised
        )
        SELECT count(*) FILTER (WHERE raised)::int FROM upserted
        """;

    /// <summary>
    /// Resolves the firing alerts of the keys given, and queues a resolve for each channel its trigger went (or is
    /// going) to. Found through the small index of firing alerts, so for keys with nothing firing it reads an
    /// index page or two and writes nothing.
    /// </summary>
    private const string ResolveSql = """
        WITH resolved AS (
            UPDATE alerts SET resolved_at = now(), updated_at = now()
            WHERE target_key = ANY ($1) AND resolved_at IS NULL
            RETURNING id, target_key
        ), queued AS (
            INSERT INTO alert_notifications (alert_id, target_key, channel, action)
            SELECT r.id, r.target_key, n.channel, 'resolve'
            FROM resolved r
            JOIN alert_notifications n ON n.alert_id = r.id AND n.action = 'trigger' AND n.status <> 'failed'
        )
        SELECT count(*)::int FROM resolved
        """;

    /// <summary>
    /// Leases up to $1 due notifications on the channels this Worker can send to ($4). A notification waits while an
    /// earlier one for the same target and channel is unsent, so a resolve never overtakes its trigger, and an
    /// alert's resolve never overtakes the next alert's trigger (PagerDuty knows both by the same dedup key).
    /// </summary>
    private const string ClaimSql = """
        WITH claimed AS (
            UPDATE alert_notifications n
            SET locked_by = $2, next_attempt_at = now() + $3
            WHERE n.id IN (
                SELECT c.id FROM alert_notifications c
                WHERE c.status = 'pending' AND c.next_attempt_at <= now() AND c.channel = ANY ($4)
                  AND NOT EXISTS (SELECT 1 FROM alert_notifications p
                                  WHERE p.target_key = c.target_key AND p.channel = c.channel AND p.status = 'pending' AND p.id < c.id)
                ORDER BY c.next_attempt_at
                LIMIT $1
                FOR UPDATE SKIP LOCKED)
            RETURNING n.id, n.alert_id, n.channel, n.action, n.attempts)
        SELECT c.id, c.channel, c.action, c.attempts, a.id, a.target_key, a.endpoint_id, a.merchant_id, a.target_url,
               a.kinds, a.summary, a.detail, a.raised_at, a.resolved_at
        FROM claimed c JOIN alerts a ON a.id = c.alert_id
        ORDER BY c.id
        """;

    /// <summary>Only while this Worker still holds the lease at the attempt count it claimed: a stalled Worker can't overwrite newer state.</summary>
    private const string RecordSql = """
        UPDATE alert_notifications SET
            status = $4,
            attempts = attempts + 1,
            next_attempt_at = now() + make_interval(secs => $5),
            locked_by = NULL,
            last_error = COALESCE($6, last_error),
            sent_at = CASE WHEN $4 = 'sent' THEN now() END
        WHERE id = $1 AND locked_by = $2 AND attempts = $3 AND status = 'pending'
        """;

    private const string ReleaseSql = """
        UPDATE alert_notifications SET locked_by = NULL, next_attempt_at = now()
        WHERE id = ANY ($1) AND locked_by = $2 AND status = 'pending'
        """;

    private const string ListSql = """
        SELECT a.id, a.target_key, a.endpoint_id, a.merchant_id, a.target_url, a.kinds, a.summary, a.detail, a.raised_at, a.resolved_at,
               n.channel, n.action, n.status, n.attempts, n.last_error, n.sent_at
        FROM (SELECT * FROM alerts
              WHERE $1::text IS NULL OR ($1 = 'firing') = (resolved_at IS NULL)
              ORDER BY raised_at DESC, id DESC
              LIMIT $2) a
        LEFT JOIN alert_notifications n ON n.alert_id = a.id
        ORDER BY a.raised_at DESC, a.id DESC, n.id
        """;

    /// <summary>One batch of retention: resolved alerts older than the cutoff with nothing left to send.</summary>
    private const string DeleteResolvedSql = """
        DELETE FROM alerts WHERE id IN (
            SELECT a.id FROM alerts a
            WHERE a.resolved_at < $1
              AND NOT EXISTS (SELECT 1 FROM alert_notifications n WHERE n.alert_id = a.id AND n.status = 'pending')
            ORDER BY a.resolved_at
            LIMIT $2
            FOR UPDATE SKIP LOCKED)
        """;

    /// <summary>
    /// Raises an alert for each target the triggers name that has none firing, unless every kind it names is in its
    /// cooldown (a resolved alert with that kind raised less than <paramref name="cooldown"/> ago); for each new
    /// alert, one trigger notification per channel goes into the outbox in the same statement. A target with an
    /// alert firing has the kinds added to it and its detail updated, and nothing new is sent.
    /// </summary>
    /// <param name="channels">The channels to notify (<see cref="AlertOptions.EnabledChannels"/>); none: stored, not sent.</param>
    /// <returns>How many new alerts were raised.</returns>
    public async Task<int> RaiseAsync(IReadOnlyList<AlertTrigger> triggers, TimeSpan cooldown, IReadOnlyList<string> channels, CancellationToken ct = default)
    {
        if (triggers.Count == 0)
        {
            return 0;
        }
        var count = triggers.Count;
        var keys = new string[count];
        var endpoints = new Guid?[count];
        var merchants = new string?[count];
        var urls = new string[count];
        var kinds = new string[count];
        var summaries = new string[count];
        var details = new string?[count];
        for (var i = 0; i < count; i++)
        {
            var t = triggers[i];
            keys[i] = t.TargetKey;
            endpoints[i] = t.EndpointId;
            merchants[i] = t.MerchantId;
            urls[i] = t.TargetUrl;
            kinds[i] = t.Kind;
            summaries[i] = t.Summary;
            details[i] = Truncate(t.Detail, MaxDetailLength);
        }

        await using var command = dataSource.CreateCommand(RaiseSql);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = keys });
        command.Parameters.Add(new NpgsqlParameter<Guid?[]> { TypedValue = endpoints });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = merchants });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = urls });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = kinds });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = summaries });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = details });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = cooldown < TimeSpan.Zero ? TimeSpan.Zero : cooldown });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. channels] });
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Resolves the firing alert of each key given (a target that is delivering again), queueing a resolve for each
    /// channel its trigger was for. Cheap for keys with nothing firing: an index look-up, no write.
    /// </summary>
    /// <returns>How many alerts were resolved.</returns>
    public async Task<int> ResolveAsync(IReadOnlyList<string> targetKeys, CancellationToken ct = default)
    {
        if (targetKeys.Count == 0)
        {
            return 0;
        }
        await using var command = dataSource.CreateCommand(ResolveSql);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. targetKeys] });
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Alerts newest first, each with its notifications.</summary>
    /// <param name="state"><see cref="AlertState.Firing"/>, <see cref="AlertState.Resolved"/>, or null for both.</param>
    public async Task<IReadOnlyList<AlertRecord>> ListAsync(string? state, int limit, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(ListSql);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = state, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var alerts = new List<AlertRecord>();
        List<AlertNotificationRecord>? notifications = null;
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetInt64(0);
            if (alerts.Count == 0 || alerts[^1].Id != id)
            {
                notifications = [];
                var resolvedAt = reader.IsDBNull(9) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(9);
                alerts.Add(new AlertRecord(
                    Id: id,
                    TargetKey: reader.GetString(1),
                    EndpointId: reader.IsDBNull(2) ? null : reader.GetGuid(2),
                    MerchantId: reader.IsDBNull(3) ? null : reader.GetString(3),
                    TargetUrl: reader.GetString(4),
                    Kinds: reader.GetFieldValue<string[]>(5),
                    Summary: reader.GetString(6),
                    Detail: reader.IsDBNull(7) ? null : reader.GetString(7),
                    State: resolvedAt is null ? AlertState.Firing : AlertState.Resolved,
                    RaisedAt: reader.GetFieldValue<DateTimeOffset>(8),
                    ResolvedAt: resolvedAt,
                    Notifications: notifications));
            }
            if (!reader.IsDBNull(10))
            {
                notifications!.Add(new AlertNotificationRecord(
                    Channel: reader.GetString(10),
                    Action: reader.GetString(11),
                    Status: reader.GetString(12),
                    Attempts: reader.GetInt32(13),
                    LastError: reader.IsDBNull(14) ? null : reader.GetString(14),
                    SentAt: reader.IsDBNull(15) ? null : reader.GetFieldValue<DateTimeOffset>(15)));
            }
        }
        return alerts;
    }

    /// <summary>
    /// Leases up to <paramref name="limit"/> due notifications on <paramref name="channels"/> for <paramref name="lease"/>
    /// (SKIP LOCKED, committed at once); a Worker that dies holding them loses them when the lease ends.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedAlertNotification>> ClaimNotificationsAsync(int limit, string workerId, TimeSpan lease,
        IReadOnlyList<string> channels, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(ClaimSql);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = workerId });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = lease });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. channels] });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var claimed = new List<ClaimedAlertNotification>();
        while (await reader.ReadAsync(ct))
        {
            claimed.Add(ReadClaimed(reader));
        }
        return claimed;
    }

    /// <returns>False when the lease was lost meanwhile (another Worker has the notification now), so nothing was recorded.</returns>
    public async Task<bool> RecordSendAsync(AlertSendResult result, string workerId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(RecordSql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = result.NotificationId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = workerId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = result.ClaimedAttempts });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = result.Status });
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = Math.Max(0, result.RetryDelay.TotalSeconds) });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = Truncate(result.Error, MaxErrorLength), NpgsqlDbType = NpgsqlDbType.Text });
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    /// <summary>Gives back claimed notifications unsent (a Worker stopping), due again at once.</summary>
    public async Task ReleaseAsync(IReadOnlyList<long> notificationIds, string workerId, CancellationToken ct = default)
    {
        if (notificationIds.Count == 0)
        {
            return;
        }
        await using var command = dataSource.CreateCommand(ReleaseSql);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. notificationIds] });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = workerId });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Removes up to <paramref name="batchSize"/> alerts resolved before <paramref name="cutoff"/> with nothing left to send.</summary>
    /// <returns>How many alerts were removed.</returns>
    public async Task<int> DeleteResolvedAsync(DateTimeOffset cutoff, int batchSize, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(DeleteResolvedSql);
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = cutoff.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = batchSize });
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static ClaimedAlertNotification ReadClaimed(DbDataReader reader) => new(
        Id: reader.GetInt64(0),
        Channel: reader.GetString(1),
        Action: reader.GetString(2),
        Attempts: reader.GetInt32(3),
        AlertId: reader.GetInt64(4),
        TargetKey: reader.GetString(5),
        EndpointId: reader.IsDBNull(6) ? null : reader.GetGuid(6),
        MerchantId: reader.IsDBNull(7) ? null : reader.GetString(7),
        TargetUrl: reader.GetString(8),
        Kinds: reader.GetFieldValue<string[]>(9),
        Summary: reader.GetString(10),
        Detail: reader.IsDBNull(11) ? null : reader.GetString(11),
        RaisedAt: reader.GetFieldValue<DateTimeOffset>(12),
        ResolvedAt: reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13));

    private static string? Truncate(string? value, int length) => value is null || value.Length <= length ? value : value[..(length - 1)] + "…";
}

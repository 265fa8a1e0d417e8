using Npgsql;
using NpgsqlTypes;

namespace WebhookDispatcher.Core.Storage;

/// <summary>The <c>events</c> table: its part of ingestion (<see cref="IngestTransaction"/>), the queries over events, and retention.</summary>
public sealed class EventStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// One batch of retention: events older than the cutoff ($1) whose deliveries are all finished and unchanged
    /// since it, oldest first; deliveries and attempts go with them (ON DELETE CASCADE). SKIP LOCKED, so a batch
    /// never waits on a row someone else holds, and two Workers never remove the same events.
    /// </summary>
    private const string DeleteExpiredSql = """
        WITH expired AS (
            SELECT e.id FROM events e
            WHERE e.created_at < $1
              AND NOT EXISTS (
                  SELECT 1 FROM deliveries d
                  WHERE d.event_id = e.id AND (d.status IN ('pending', 'in_flight') OR d.updated_at >= $1))
            ORDER BY e.created_at
            LIMIT $2
            FOR UPDATE OF e SKIP LOCKED)
        DELETE FROM events e USING expired WHERE e.id = expired.id
        """;

    // Arrays through unnest: one statement for one event or a thousand, one plan to prepare.
    private const string InsertSql = """
        INSERT INTO events (id, merchant_id, type, payload, idempotency_key, target_url, traceparent)
        SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::json[], $5::text[], $6::text[], $7::text[])
        ON CONFLICT ON CONSTRAINT events_idempotency DO NOTHING
        """;

    // An event's status is what its deliveries add up to: in flight or pending while any is, otherwise dead if any
    // died, otherwise delivered. An event with no delivery at all (no endpoint of its merchant subscribes to its
    // type) is unrouted, not delivered: a mistyped event type must show, not pass for a success. The aggregate
    // answers one row even over no deliveries, so the empty case is its first branch.
    private const string StatusExpression = """
        (SELECT CASE WHEN count(*) = 0 THEN 'unrouted'
                     WHEN bool_or(d.status = 'in_flight') THEN 'in_flight'
                     WHEN bool_or(d.status = 'pending') THEN 'pending'
                     WHEN bool_or(d.status = 'dead') THEN 'dead'
                     ELSE 'delivered' END
         FROM deliveries d WHERE d.event_id = e.id)
        """;

    // The events no delivery was made for: an anti-join, each event's deliveries looked up by deliveries_event.
    private const string CountUnroutedSql = """
        SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id)
        """;

    // The stored events answering the request: the new ones by id, repeats by their idempotency key. Two
    // index lookups joined by UNION ALL; an OR of the two conditions would scan the whole table.
    // A new event's deliveries are the ones this batch just inserted, all pending, so they are counted in one
    // grouped pass rather than by a subquery per event: auto-prepare caches a generic plan, and one made while
    // `deliveries` was empty scans the whole table once per event.
    private const string SelectIngestedSql = $"""
        SELECT e.id, e.merchant_id, e.type, e.payload::text, e.idempotency_key, e.created_at,
               COALESCE(n.deliveries, 0)::int, CASE WHEN n.deliveries > 0 THEN 'pending' ELSE 'unrouted' END
        FROM events e
        LEFT JOIN (SELECT event_id, count(*) AS deliveries FROM deliveries WHERE event_id = ANY ($1) GROUP BY event_id) n
          ON n.event_id = e.id
        WHERE e.id = ANY ($1)
        UNION ALL
        SELECT e.id, e.merchant_id, e.type, e.payload::text, e.idempotency_key, e.created_at,
               (SELECT count(*) FROM deliveries d WHERE d.event_id = e.id)::int, {StatusExpression}
        FROM events e
        JOIN unnest($2::text[], $3::text[]) AS k (merchant_id, idempotency_key)
          ON e.merchant_id = k.merchant_id AND e.idempotency_key = k.idempotency_key
        WHERE NOT (e.id = ANY ($1))
        """;

    private const string ListSql = $"""
        SELECT e.id, e.merchant_id, e.type, {StatusExpression},
               (SELECT count(*) FROM deliveries d WHERE d.event_id = e.id)::int, e.created_at
        FROM events e
        WHERE ($1::text IS NULL OR e.merchant_id = $1)
          AND ($2::text IS NULL OR {StatusExpression} = $2)
        ORDER BY e.created_at DESC, e.id
        LIMIT $3 OFFSET $4
        """;

    private const string SelectOneSql = $"""
        SELECT e.id, e.merchant_id, e.type, {StatusExpression}, e.payload::text, e.idempotency_key,
               e.target_url, e.traceparent, e.created_at
        FROM events e WHERE e.id = $1
        """;

    /// <summary>The insert of new events, as arrays: one element per event.</summary>
    internal static NpgsqlBatchCommand InsertCommand(Guid[] ids, string[] merchants, string[] types, string[] payloads,
        string?[] keys, string?[] targets, string?[] traceparents) =>
        Sql.Command(InsertSql,
            new NpgsqlParameter<Guid[]> { TypedValue = ids },
            new NpgsqlParameter<string[]> { TypedValue = merchants },
            new NpgsqlParameter<string[]> { TypedValue = types },
            new NpgsqlParameter<string[]> { TypedValue = payloads, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Json },
            new NpgsqlParameter<string?[]> { TypedValue = keys },
            new NpgsqlParameter<string?[]> { TypedValue = targets },
            new NpgsqlParameter<string?[]> { TypedValue = traceparents });

    /// <summary>The read-back of an ingest: the new events by id ($1), repeats by merchant and idempotency key.</summary>
    internal static NpgsqlBatchCommand SelectIngestedCommand(Guid[] ids, string[] merchants, string?[] keys) =>
        Sql.Command(SelectIngestedSql,
            new NpgsqlParameter<Guid[]> { TypedValue = ids },
            new NpgsqlParameter<string[]> { TypedValue = merchants },
            new NpgsqlParameter<string?[]> { TypedValue = keys });

    internal static IngestedEvent ReadIngested(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5),
        reader.GetInt32(6), reader.GetString(7), Replayed: false);

    /// <summary>
    /// The events' own refusals, as what they mean: JSON that .NET accepts but PostgreSQL's json type does not (a lone
    /// surrogate escape, say) is a payload that cannot be stored, not a database failure. Null for anything else.
    /// </summary>
    internal static UnstorablePayloadException? Refusal(PostgresException ex) =>
        ex.SqlState is PostgresErrorCodes.InvalidTextRepresentation or PostgresErrorCodes.UntranslatableCharacter
            or PostgresErrorCodes.CharacterNotInRepertoire
            ? new UnstorablePayloadException(ex.MessageText, ex)
            : null;

    public async Task<IReadOnlyList<EventSummary>> ListAsync(string? merchantId, string? status, int limit, int offset, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(ListSql);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = merchantId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = status, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = offset });
        var events = new List<EventSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new EventSummary(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetInt32(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }
        return events;
    }

    /// <summary>How many events have no delivery at all (<see cref="DeliveryStatus.Unrouted"/>): reads every event.</summary>
    public async Task<long> CountUnroutedAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(CountUnroutedSql);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>One event's row, for <see cref="EventDetailsQuery"/>; its deliveries are read after it.</summary>
    internal static NpgsqlBatchCommand SelectOneCommand(Guid id) => Sql.Command(SelectOneSql, new NpgsqlParameter<Guid> { TypedValue = id });

    internal static EventDetails ReadOne(NpgsqlDataReader reader) => new(
        Id: reader.GetGuid(0), MerchantId: reader.GetString(1), Type: reader.GetString(2), Status: reader.GetString(3),
        PayloadJson: reader.GetString(4), IdempotencyKey: reader.IsDBNull(5) ? null : reader.GetString(5),
        TargetUrl: reader.IsDBNull(6) ? null : reader.GetString(6), Traceparent: reader.IsDBNull(7) ? null : reader.GetString(7),
        CreatedAt: reader.GetFieldValue<DateTimeOffset>(8), Deliveries: []);

    /// <summary>Removes up to <paramref name="batchSize"/> finished events older than <paramref name="cutoff"/>, with their deliveries and attempts.</summary>
    /// <returns>How many events were removed.</returns>
    public async Task<int> DeleteExpiredAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(DeleteExpiredSql);
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = cutoff.UtcDateTime, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = batchSize });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

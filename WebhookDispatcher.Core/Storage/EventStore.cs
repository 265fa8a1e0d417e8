using Npgsql;
using NpgsqlTypes;

namespace WebhookDispatcher.Core.Storage;

/// <summary>The <c>events</c> table: ingestion and the queries over events.</summary>
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
    // `deliveries` was empty scanned the whole table once per event (1,000 events against 100,000 deliveries: 7.6 s).
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

    /// <summary>
    /// Stores events and their deliveries atomically: the inserts and the read-back go in one batch, under
    /// <see cref="StablePlans"/>, which PostgreSQL runs as one implicit transaction, so when this returns every
    /// event is committed, and one round trip is all it costs. Results come back in the order of <paramref name="events"/>.
    /// </summary>
    /// <param name="accept">
    /// Asked before committing when an event carries an idempotency key (so a repeat may be found): returning
    /// false rolls everything back and makes this return null. Events without keys skip the explicit transaction.
    /// </param>
    public async Task<IReadOnlyList<IngestedEvent>?> IngestAsync(IReadOnlyList<NewEvent> events,
        Func<IReadOnlyList<IngestedEvent>, bool>? accept = null, CancellationToken cancellationToken = default)
    {
        var ids = new Guid[events.Count];
        var merchants = new string[events.Count];
        var types = new string[events.Count];
        var payloads = new string[events.Count];
        var keys = new string?[events.Count];
        var targets = new string?[events.Count];
        var traceparents = new string?[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            (ids[i], merchants[i], types[i], payloads[i], keys[i], targets[i], traceparents[i]) = events[i];
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = accept is not null && keys.Any(k => k is not null)
            ? await connection.BeginTransactionAsync(cancellationToken)
            : null;
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(StablePlans.Command());
        batch.BatchCommands.Add(Command(InsertSql,
            new NpgsqlParameter<Guid[]> { TypedValue = ids },
            new NpgsqlParameter<string[]> { TypedValue = merchants },
            new NpgsqlParameter<string[]> { TypedValue = types },
            new NpgsqlParameter<string[]> { TypedValue = payloads, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Json },
            new NpgsqlParameter<string?[]> { TypedValue = keys },
            new NpgsqlParameter<string?[]> { TypedValue = targets },
            new NpgsqlParameter<string?[]> { TypedValue = traceparents }));
        batch.BatchCommands.Add(Command(DeliveryStore.InsertForEventsSql,
            new NpgsqlParameter<Guid[]> { TypedValue = ids }));
        batch.BatchCommands.Add(Command(SelectIngestedSql,
            new NpgsqlParameter<Guid[]> { TypedValue = ids },
            new NpgsqlParameter<string[]> { TypedValue = merchants },
            new NpgsqlParameter<string?[]> { TypedValue = keys }));

        var byId = new Dictionary<Guid, IngestedEvent>(events.Count);
        var byKey = new Dictionary<(string, string), IngestedEvent>();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            await reader.NextResultAsync(cancellationToken); // past the plan settings' row
            while (await reader.ReadAsync(cancellationToken))
            {
                var stored = new IngestedEvent(
                    reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5),
                    reader.GetInt32(6), reader.GetString(7), Replayed: false);
                byId[stored.Id] = stored;
                if (stored.IdempotencyKey is { } key)
                {
                    byKey[(stored.MerchantId, key)] = stored;
                }
            }
        }

        var results = new IngestedEvent[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            if (byId.TryGetValue(ids[i], out var created))
            {
                results[i] = created;
            }
            else if (keys[i] is { } key && byKey.TryGetValue((merchants[i], key), out var first))
            {
                results[i] = first with { Replayed = true };
            }
            else
            {
                throw new InvalidOperationException($"Event {ids[i]} was neither stored nor found by its idempotency key.");
            }
        }
        if (transaction is not null)
        {
            if (!accept!(results))
            {
                await transaction.RollbackAsync(cancellationToken);
                return null;
            }
            await transaction.CommitAsync(cancellationToken);
        }
        return results;
    }

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

    /// <summary>One event with its deliveries and every attempt of each.</summary>
    public async Task<EventDetails?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Command(SelectOneSql, new NpgsqlParameter<Guid> { TypedValue = id }));
        batch.BatchCommands.Add(Command(DeliveryStore.SelectForEventSql, new NpgsqlParameter<Guid> { TypedValue = id }));
        batch.BatchCommands.Add(Command(DeliveryStore.SelectAttemptsForEventSql, new NpgsqlParameter<Guid> { TypedValue = id }));

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var head = (Id: reader.GetGuid(0), Merchant: reader.GetString(1), Type: reader.GetString(2), Status: reader.GetString(3),
            Payload: reader.GetString(4), Key: reader.IsDBNull(5) ? null : reader.GetString(5),
            Target: reader.IsDBNull(6) ? null : reader.GetString(6), Traceparent: reader.IsDBNull(7) ? null : reader.GetString(7),
            CreatedAt: reader.GetFieldValue<DateTimeOffset>(8));

        await reader.NextResultAsync(cancellationToken);
        var deliveries = await DeliveryStore.ReadDeliveriesAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var attempts = await DeliveryStore.ReadAttemptsAsync(reader, cancellationToken);

        return new EventDetails(head.Id, head.Merchant, head.Type, head.Status, head.Payload, head.Key, head.Target,
            head.Traceparent, head.CreatedAt,
            [.. deliveries.Select(d => d with { Attempts = attempts.TryGetValue(d.Id, out var list) ? list : [] })]);
    }

    internal static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

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

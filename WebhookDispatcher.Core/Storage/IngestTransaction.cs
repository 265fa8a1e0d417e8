using Npgsql;

namespace WebhookDispatcher.Core.Storage;

/// <summary>
/// Stores events and their deliveries atomically: <see cref="EventStore"/>'s insert, <see cref="DeliveryStore"/>'s
/// fan-out and the events' read-back go in one batch, under <see cref="StablePlans"/>, which PostgreSQL runs as one
/// implicit transaction, so when this returns every event is committed, and one round trip is all it costs.
/// </summary>
public sealed class IngestTransaction(NpgsqlDataSource dataSource)
{
    /// <summary>Results come back in the order of <paramref name="events"/>.</summary>
    /// <param name="accept">
    /// Asked before committing when an event carries an idempotency key (so a repeat may be found): returning
    /// false rolls everything back and makes this return null. Events without keys skip the explicit transaction.
    /// </param>
    /// <exception cref="UnstorablePayloadException">PostgreSQL's json type refused a payload; nothing was stored.</exception>
    public async Task<IReadOnlyList<IngestedEvent>?> IngestAsync(IReadOnlyList<NewEvent> events,
        Func<IReadOnlyList<IngestedEvent>, bool>? accept = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await StoreAsync(events, accept, cancellationToken);
        }
        catch (PostgresException ex) when (EventStore.Refusal(ex) is { } refusal)
        {
            throw refusal;
        }
    }

    private async Task<IReadOnlyList<IngestedEvent>?> StoreAsync(IReadOnlyList<NewEvent> events,
        Func<IReadOnlyList<IngestedEvent>, bool>? accept, CancellationToken cancellationToken)
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
        batch.BatchCommands.Add(EventStore.InsertCommand(ids, merchants, types, payloads, keys, targets, traceparents));
        batch.BatchCommands.Add(DeliveryStore.InsertForEventsCommand(ids));
        batch.BatchCommands.Add(EventStore.SelectIngestedCommand(ids, merchants, keys));

        var byId = new Dictionary<Guid, IngestedEvent>(events.Count);
        var byKey = new Dictionary<(string, string), IngestedEvent>();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            await reader.NextResultAsync(cancellationToken); // past the plan settings' row
            while (await reader.ReadAsync(cancellationToken))
            {
                var stored = EventStore.ReadIngested(reader);
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
}

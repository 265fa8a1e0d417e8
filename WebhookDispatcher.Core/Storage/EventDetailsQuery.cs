using Npgsql;

namespace WebhookDispatcher.Core.Storage;

/// <summary>
/// One event with its deliveries and every attempt of each, in one round trip: the event's statement from
/// <see cref="EventStore"/> and the deliveries' from <see cref="DeliveryStore"/>, each store keeping its own SQL.
/// </summary>
public sealed class EventDetailsQuery(NpgsqlDataSource dataSource)
{
    public async Task<EventDetails?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(EventStore.SelectOneCommand(id));
        foreach (var command in DeliveryStore.SelectForEventCommands(id))
        {
            batch.BatchCommands.Add(command);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var head = EventStore.ReadOne(reader);

        await reader.NextResultAsync(cancellationToken);
        var deliveries = await Sql.ReadDeliveriesAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var attempts = await Sql.ReadAttemptsAsync(reader, cancellationToken);

        return head with { Deliveries = [.. deliveries.Select(d => d with { Attempts = attempts.TryGetValue(d.Id, out var list) ? list : [] })] };
    }
}

using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Api.Ingestion;

/// <summary>
/// The one place the Api commits work that makes deliveries due: new events with their deliveries' fan-out, retries
/// by hand, an endpoint's held deliveries resuming. Each is committed first and the Workers are woken after, once,
/// so no caller has to remember the wake-up, and none can send it before the COMMIT it announces.
/// </summary>
public sealed class IngestionUnitOfWork(IngestTransaction ingest, DeliveryStore deliveries, WakeUpPublisher wakeUp)
{
    /// <inheritdoc cref="IngestTransaction.IngestAsync"/>
    public async Task<IReadOnlyList<IngestedEvent>?> IngestAsync(IReadOnlyList<NewEvent> events,
        Func<IReadOnlyList<IngestedEvent>, bool>? accept = null, CancellationToken cancellationToken = default)
    {
        var stored = await ingest.IngestAsync(events, accept, cancellationToken);
        if (stored is not null)
        {
            // A repeat's deliveries were announced when it was first stored.
            wakeUp.Publish(stored.Where(e => !e.Replayed).Sum(e => e.DeliveryCount));
        }
        return stored;
    }

    /// <inheritdoc cref="DeliveryStore.RetryDeadAsync"/>
    public async Task<IReadOnlyList<long>> RetryDeadAsync(long? deliveryId, Guid? eventId, CancellationToken cancellationToken = default)
    {
        var retried = await deliveries.RetryDeadAsync(deliveryId, eventId, cancellationToken);
        wakeUp.Publish(retried.Count);
        return retried;
    }

    /// <inheritdoc cref="DeliveryStore.RetryDeadMatchingAsync"/>
    public async Task<long> RetryDeadMatchingAsync(BulkRetryFilter filter, CancellationToken cancellationToken = default)
    {
        var retried = await deliveries.RetryDeadMatchingAsync(filter, cancellationToken: cancellationToken);
        wakeUp.Publish((int)Math.Min(retried, int.MaxValue));
        return retried;
    }

    /// <inheritdoc cref="DeliveryStore.ResumeHeldAsync"/>
    public async Task<long> ResumeHeldAsync(Guid endpointId, CancellationToken cancellationToken = default)
    {
        var resumed = await deliveries.ResumeHeldAsync(endpointId, cancellationToken: cancellationToken);
        wakeUp.Publish((int)Math.Min(resumed, int.MaxValue));
        return resumed;
    }
}

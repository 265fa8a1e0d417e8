using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Api.Ingestion;

/// <summary>
/// What enabling an endpoint sets going: its held deliveries become due now, its streak and circuit start afresh
/// (or the old failures would disable it again at the next one), and the Workers are woken to send.
/// </summary>
public sealed class EndpointResumer(IngestionUnitOfWork unitOfWork, TargetStateStore states, ILogger<EndpointResumer> logger)
{
    public async Task<long> ResumeAsync(Guid endpointId, CancellationToken cancellationToken)
    {
        await states.ResetAsync(endpointId, cancellationToken);
        var resumed = await unitOfWork.ResumeHeldAsync(endpointId, cancellationToken);
        if (resumed > 0)
        {
            logger.LogInformation("Endpoint {Endpoint} enabled: {Count} held deliveries resume", endpointId, resumed);
        }
        return resumed;
    }
}

using System.Diagnostics.Metrics;
using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Core.Telemetry;

namespace WebhookDispatcher.Worker.Services;

/// <summary>
/// Publishes the queue's depth by status as a gauge. Counting is a query, so it runs on its own timer and the
/// gauge reports the last count, instead of querying on every metrics collection.
/// </summary>
public sealed class QueueDepthMonitor(DeliveryStore store, ILogger<QueueDepthMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private IReadOnlyDictionary<string, long> _counts = DeliveryStatus.All.ToDictionary(s => s, _ => 0L);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DispatcherTelemetry.Meter.CreateObservableGauge("webhooks.queue.depth",
            () => _counts.Select(c => new Measurement<long>(c.Value, new KeyValuePair<string, object?>("status", c.Key))),
            "{delivery}", "Deliveries by status.");

        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                _counts = await store.CountByStatusAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogDebug("Queue depth query failed: {Message}", ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

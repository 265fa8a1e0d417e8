using System.Diagnostics.Metrics;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Core.Telemetry;

namespace WebhookDispatcher.Worker.Services;

/// <summary>
/// Publishes the queue's depth by status as a gauge: pending, in flight, and dead (waiting for review). Counting is a
/// query, so it runs on its own timer and the gauge reports the last count, instead of querying on every metrics
/// collection. Delivered deliveries are history, not depth: counting them would read the whole table on every timer
/// tick in every Worker, a cost that grows with the history, so they are not counted here (GET /status/all counts
/// them on request).
/// </summary>
public sealed class QueueDepthMonitor(DeliveryStore store, ILogger<QueueDepthMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private IReadOnlyDictionary<string, long> _counts = new Dictionary<string, long>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DispatcherTelemetry.Meter.CreateObservableGauge("webhooks.queue.depth",
            () => _counts.Select(c => new Measurement<long>(c.Value, new KeyValuePair<string, object?>("status", c.Key))),
            "{delivery}", "Deliveries pending, in flight and dead.");

        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                _counts = await store.CountQueuedAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogDebug("Queue depth query failed: {Message}", ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

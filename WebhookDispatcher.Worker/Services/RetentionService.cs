using Microsoft.Extensions.Options;
using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Worker.Services;

/// <summary>
/// Removes finished events older than the retention period, continuously and in small batches, so the tables stay
/// the size of the period rather than of the engine's whole history. Every Worker runs it; SKIP LOCKED keeps them
/// out of each other's way, and each batch commits on its own, so claims and ingestion never wait behind it. Ad-hoc
/// targets' shared state goes once idle, so made-up URLs cannot grow <c>target_states</c> without bound.
/// </summary>
public sealed class RetentionService(EventStore events, AlertStore alerts, TargetStateStore targetStates, IOptions<RetentionOptions> options,
    IOptions<DispatcherOptions> dispatcherOptions, TimeProvider time, ILogger<RetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retention = options.Value;
        if (retention.Period <= TimeSpan.Zero)
        {
            logger.LogInformation("Retention is off (Retention:Period is {Period}): finished events are kept for ever", retention.Period);
            return;
        }
        using var timer = new PeriodicTimer(retention.Interval, time);
        do
        {
            try
            {
                var removed = await RemoveExpiredAsync(retention, stoppingToken);
                if (removed > 0)
                {
                    logger.LogInformation("Retention removed {Count} finished events older than {Period}", removed, retention.Period);
                }
                var alertsRemoved = await RemoveResolvedAlertsAsync(retention, stoppingToken);
                if (alertsRemoved > 0)
                {
                    logger.LogInformation("Retention removed {Count} alerts resolved more than {Period} ago", alertsRemoved, retention.Period);
                }
                var targetsRemoved = await RemoveIdleAdHocTargetsAsync(retention, stoppingToken);
                if (targetsRemoved > 0)
                {
                    logger.LogInformation("Retention removed the state of {Count} ad-hoc targets idle for over {Idle}", targetsRemoved, retention.AdHocTargetIdle);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Retention failed, to be tried again in {Interval}: {Message}", retention.Interval, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<long> RemoveExpiredAsync(RetentionOptions retention, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - retention.Period;
        long removed = 0;
        int batch;
        do
        {
            batch = await events.DeleteExpiredAsync(cutoff, retention.BatchSize, cancellationToken);
            removed += batch;
        }
        while (batch == retention.BatchSize);
        return removed;
    }

    /// <summary>
    /// Idle ad-hoc targets' rows, a batch at a time; then, if no ad-hoc target is failing any more, their one alert
    /// is resolved (its failing targets may have gone idle without ever succeeding).
    /// </summary>
    private async Task<long> RemoveIdleAdHocTargetsAsync(RetentionOptions retention, CancellationToken cancellationToken)
    {
        var defaultKey = dispatcherOptions.Value.DefaultTargetUrl is { } url ? Core.Targets.TargetKey.ForUrl(url) : (Core.Targets.TargetKey?)null;
        var idleSince = time.GetUtcNow() - retention.AdHocTargetIdle;
        long removed = 0;
        int batch;
        do
        {
            batch = await targetStates.DeleteIdleAdHocAsync(defaultKey, idleSince, retention.BatchSize, cancellationToken);
            removed += batch;
        }
        while (batch == retention.BatchSize);
        if (!await targetStates.AnyAdHocFailingAsync(defaultKey, cancellationToken))
        {
            await alerts.ResolveAsync([AlertStore.AdHocTargetsKey], cancellationToken);
        }
        return removed;
    }

    /// <summary>Resolved alerts older than the period, with nothing left to send, go the same way, a batch at a time.</summary>
    private async Task<long> RemoveResolvedAlertsAsync(RetentionOptions retention, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - retention.Period;
        long removed = 0;
        int batch;
        do
        {
            batch = await alerts.DeleteResolvedAsync(cutoff, retention.BatchSize, cancellationToken);
            removed += batch;
        }
        while (batch == retention.BatchSize);
        return removed;
    }
}

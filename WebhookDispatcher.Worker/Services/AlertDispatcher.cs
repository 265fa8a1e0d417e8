using Microsoft.Extensions.Options;
using WebhookDispatcher.Core.Alerts;
using WebhookDispatcher.Core.Delivery;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Worker.Alerts;
using WebhookDispatcher.Worker.Delivery;

namespace WebhookDispatcher.Worker.Services;

/// <summary>
/// Sends the on-call notifications the alert outbox holds to Slack and PagerDuty. Every Worker runs one: each claims
/// due notifications with SKIP LOCKED under a lease (a Worker killed mid-send loses them to another when it ends),
/// POSTs them, and records every try. A failed send is tried again by exponential backoff, without a limit, until
/// it goes: an outage of Slack's delays its messages and loses none. Its own HTTP client and timeouts, and a small
/// batch a second, so it never takes from webhook deliveries.
/// </summary>
public sealed class AlertDispatcher(AlertStore store, AlertSender sender, IOptions<AlertOptions> options, WorkerIdentity worker,
    ILogger<AlertDispatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var channels = settings.EnabledChannels();
        if (channels.Count == 0)
        {
            logger.LogInformation("No alert channel is configured (Alerts:Slack:WebhookUrl, Alerts:PagerDuty:RoutingKey): alerts are stored and listed at GET /alerts, not sent");
            return;
        }
        logger.LogInformation("Sending alerts to {Channels}", string.Join(" and ", channels));

        var backoff = new RetryPolicy(int.MaxValue, settings.BaseDelay, settings.MaxDelay);
        var failing = false;
        using var timer = new PeriodicTimer(settings.PollInterval);
        do
        {
            try
            {
                // A full batch may mean more are due: go again at once rather than a poll later.
                while (await SendDueAsync(settings, channels, backoff, stoppingToken) == settings.BatchSize)
                {
                }
                if (failing)
                {
                    logger.LogInformation("Alert notifications can be claimed again");
                    failing = false;
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Once per outage, not once a second: the database being down is reported loudly elsewhere.
                if (!failing)
                {
                    logger.LogWarning("Alert notifications could not be claimed or recorded, trying again every {Interval}: {Message}", settings.PollInterval, ex.Message);
                    failing = true;
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<int> SendDueAsync(AlertOptions settings, IReadOnlyList<string> channels, RetryPolicy backoff, CancellationToken stoppingToken)
    {
        var claimed = await store.ClaimNotificationsAsync(settings.BatchSize, worker.Id, settings.LeaseDuration, channels, stoppingToken);
        if (claimed.Count == 0)
        {
            return 0;
        }
        // At most one notification per target and channel is claimable at a time, so these never race each other.
        var results = await Task.WhenAll(claimed.Select(n => SendOneAsync(n, backoff, stoppingToken)));
        await store.ReleaseAsync([.. claimed.Where((_, i) => results[i] is null).Select(n => n.Id)], worker.Id, CancellationToken.None);
        return claimed.Count;
    }

    /// <returns>The result recorded, or null when stopping cut the send short (the notification is released).</returns>
    private async Task<AlertSendResult?> SendOneAsync(ClaimedAlertNotification n, RetryPolicy backoff, CancellationToken stoppingToken)
    {
        AlertSendOutcome outcome;
        try
        {
            outcome = await sender.SendAsync(n, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return null;
        }

        var attempt = n.Attempts + 1;
        var delay = outcome.Status == AlertNotificationStatus.Pending ? backoff.AfterFailure(attempt, outcome.RetryAfter).Delay : TimeSpan.Zero;
        var result = new AlertSendResult(n.Id, n.Attempts, outcome.Status, delay, outcome.Error);
        // Recorded even while stopping: what was sent must not be sent again.
        var recorded = await store.RecordSendAsync(result, worker.Id, CancellationToken.None);

        switch (outcome.Status)
        {
            case AlertNotificationStatus.Sent:
                logger.LogInformation("Alert {AlertId} {Action} sent to {Channel} for {TargetKey} (attempt {Attempt})", n.AlertId, n.Action, n.Channel, n.TargetKey, attempt);
                break;
            case AlertNotificationStatus.Failed:
                logger.LogError("Alert {AlertId} {Action} to {Channel} for {TargetKey} was refused and will not be sent (attempt {Attempt}): {Error}",
                    n.AlertId, n.Action, n.Channel, n.TargetKey, attempt, outcome.Error);
                break;
            default:
                logger.LogWarning("Alert {AlertId} {Action} to {Channel} for {TargetKey} failed (attempt {Attempt}), next try in {Delay}: {Error}",
                    n.AlertId, n.Action, n.Channel, n.TargetKey, attempt, delay, outcome.Error);
                break;
        }
        if (!recorded)
        {
            logger.LogWarning("Alert notification {NotificationId}'s lease ran out before its result was recorded; another Worker has it now", n.Id);
        }
        return result;
    }
}

using System.ComponentModel.DataAnnotations;

namespace WebhookDispatcher.Core.Alerts;

/// <summary>
/// The <c>Alerts</c> configuration section: when the engine pages someone, and where. Alerts are always stored (and
/// listed at GET /alerts); they are sent to Slack when <c>Alerts:Slack:WebhookUrl</c> is set and to PagerDuty when
/// <c>Alerts:PagerDuty:RoutingKey</c> is.
/// </summary>
public sealed class AlertOptions
{
    public SlackAlertOptions Slack { get; set; } = new();

    public PagerDutyAlertOptions PagerDuty { get; set; } = new();

    /// <summary>Failed attempts in a row to one target that raise a <see cref="AlertKind.ConsecutiveFailures"/> alert.</summary>
    [Range(1, 1_000_000)]
    public int ConsecutiveFailures { get; set; } = 10;

    /// <summary>After an alert is resolved, the same target and kind raise no new one until this long after it was raised.</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long one POST to Slack or PagerDuty may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait after a notification's first failed send; it doubles after each further one.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between sends of one notification, a Retry-After included. Sends go on until one succeeds.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often each Worker looks for notifications to send.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a Worker holds the notifications it claimed; a Worker that dies loses them after this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most notifications one Worker claims and sends at once.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 20;

    /// <summary>The channels configured, in the order their notifications are queued.</summary>
    public IReadOnlyList<string> EnabledChannels()
    {
        var channels = new List<string>(2);
        if (!string.IsNullOrWhiteSpace(Slack.WebhookUrl))
        {
            channels.Add(AlertChannel.Slack);
        }
        if (!string.IsNullOrWhiteSpace(PagerDuty.RoutingKey))
        {
            channels.Add(AlertChannel.PagerDuty);
        }
        return channels;
    }

    /// <summary>What is wrong with these settings, or null when nothing is.</summary>
    public string? Problem()
    {
        if (!string.IsNullOrWhiteSpace(Slack.WebhookUrl) && !IsHttpUrl(Slack.WebhookUrl))
        {
            return "Alerts:Slack:WebhookUrl must be an absolute http or https URL (a Slack incoming webhook).";
        }
        if (!IsHttpUrl(PagerDuty.EventsUrl))
        {
            return "Alerts:PagerDuty:EventsUrl must be an absolute http or https URL.";
        }
        if (Cooldown < TimeSpan.Zero || BaseDelay <= TimeSpan.Zero || MaxDelay < BaseDelay || PollInterval <= TimeSpan.Zero || AttemptTimeout <= TimeSpan.Zero)
        {
            return "Alerts: Cooldown must not be negative, BaseDelay, PollInterval and AttemptTimeout must be positive, and MaxDelay at least BaseDelay.";
        }
        if (LeaseDuration <= AttemptTimeout * 2)
        {
            return "Alerts:LeaseDuration must exceed twice Alerts:AttemptTimeout, or a slow send could outlive its lease.";
        }
        return null;
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}

public sealed class SlackAlertOptions
{
    /// <summary>A Slack incoming webhook (https://hooks.slack.com/services/…). A secret: set it from a secret store.</summary>
    public string? WebhookUrl { get; set; }
}

public sealed class PagerDutyAlertOptions
{
    /// <summary>The integration key of a PagerDuty service's Events API v2 integration. A secret.</summary>
    public string? RoutingKey { get; set; }

    public string EventsUrl { get; set; } = "https://events.pagerduty.com/v2/enqueue";
}

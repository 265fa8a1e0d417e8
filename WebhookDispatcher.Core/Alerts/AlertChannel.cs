namespace WebhookDispatcher.Core.Alerts;

/// <summary>Where an alert's notifications go. A channel is on when its setting in <see cref="AlertOptions"/> is.</summary>
public static class AlertChannel
{
    public const string Slack = "slack";
    public const string PagerDuty = "pagerduty";

    public static IReadOnlyList<string> All { get; } = [Slack, PagerDuty];
}

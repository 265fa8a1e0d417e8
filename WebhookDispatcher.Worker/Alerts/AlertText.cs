using System.Globalization;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Worker.Alerts;

/// <summary>The words an alert is told in, shared by every channel so Slack and PagerDuty say the same thing.</summary>
internal static class AlertText
{
    /// <summary>"Webhook endpoint failing: merchant m, https://…, 10 consecutive failures".</summary>
    public static string Headline(ClaimedAlertNotification n) => n.Action == AlertAction.Resolve
        ? $"Webhook endpoint recovered: {Where(n)}"
        : $"Webhook endpoint failing: {Where(n)}, {n.Summary}";

    /// <summary>"merchant m, https://…", or just the URL for a target no one merchant owns.</summary>
    public static string Where(ClaimedAlertNotification n) => n.MerchantId is { } merchant ? $"merchant {merchant}, {n.TargetUrl}" : n.TargetUrl;

    /// <summary>The host a target lives on (PagerDuty's "source"), or the whole URL when it has none.</summary>
    public static string Source(string targetUrl) =>
        Uri.TryCreate(targetUrl, UriKind.Absolute, out var uri) && uri.Host.Length > 0 ? uri.Host : targetUrl;

    public static string Kinds(ClaimedAlertNotification n) => string.Join(", ", n.Kinds);

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan span) => span.TotalMinutes < 1
        ? $"{Math.Max(0, (int)span.TotalSeconds)} s"
        : span.TotalHours < 1 ? $"{(int)span.TotalMinutes} min" : $"{(int)span.TotalHours} h {span.Minutes} min";
}

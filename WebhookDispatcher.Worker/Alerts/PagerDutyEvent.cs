using System.Text.Json.Nodes;
using WebhookDispatcher.Core.Alerts;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Worker.Alerts;

/// <summary>
/// A PagerDuty Events API v2 event. The dedup key is the target's, so PagerDuty keeps one incident per target, and
/// the resolve closes the incident its trigger opened.
/// </summary>
internal static class PagerDutyEvent
{
    private const int MaxSummaryLength = 1024;

    public static string DedupKey(string targetKey) => "webhook-dispatcher:" + targetKey;

    public static JsonObject For(ClaimedAlertNotification n, string routingKey)
    {
        if (n.Action == AlertAction.Resolve)
        {
            return new JsonObject
            {
                ["routing_key"] = routingKey,
                ["event_action"] = "resolve",
                ["dedup_key"] = DedupKey(n.TargetKey),
            };
        }
        var summary = AlertText.Headline(n);
        var kinds = new JsonArray();
        foreach (var kind in n.Kinds)
        {
            kinds.Add(kind);
        }
        return new JsonObject
        {
            ["routing_key"] = routingKey,
            ["event_action"] = "trigger",
            ["dedup_key"] = DedupKey(n.TargetKey),
            ["payload"] = new JsonObject
            {
                ["summary"] = summary.Length <= MaxSummaryLength ? summary : summary[..(MaxSummaryLength - 1)] + "…",
                ["source"] = AlertText.Source(n.TargetUrl),
                // An endpoint the engine disabled receives nothing until someone acts: that is the one that can't wait.
                ["severity"] = n.Kinds.Contains(AlertKind.AutoDisabled) ? "critical" : "error",
                ["component"] = "webhook-dispatcher",
                ["timestamp"] = n.RaisedAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["custom_details"] = new JsonObject
                {
                    ["alert_id"] = n.AlertId,
                    ["target_key"] = n.TargetKey,
                    ["endpoint_id"] = n.EndpointId?.ToString(),
                    ["merchant_id"] = n.MerchantId,
                    ["target_url"] = n.TargetUrl,
                    ["kinds"] = kinds,
                    ["summary"] = n.Summary,
                    ["last_error"] = n.Detail,
                },
            },
        };
    }
}

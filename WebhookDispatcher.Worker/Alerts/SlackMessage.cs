using System.Text.Json.Nodes;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Worker.Alerts;

/// <summary>
/// A Slack incoming-webhook message: <c>text</c>, the plain line notifications and old clients show, and
/// <c>blocks</c>, mrkdwn sections with the particulars.
/// </summary>
internal static class SlackMessage
{
    public static JsonObject For(ClaimedAlertNotification n) => n.Action == AlertAction.Resolve ? Recovered(n) : Failing(n);

    private static JsonObject Failing(ClaimedAlertNotification n)
    {
        var blocks = new JsonArray
        {
            Section($"*:rotating_light: Webhook endpoint failing*\n{Escape(n.Summary)}"),
            Fields(
                $"*Endpoint*\n{Escape(n.TargetUrl)}",
                $"*Merchant*\n{Escape(n.MerchantId ?? "(none: a shared target)")}",
                $"*Triggers*\n{Escape(AlertText.Kinds(n))}",
                $"*Raised*\n{Escape(AlertText.Time(n.RaisedAt))}"),
        };
        if (n.Detail is { Length: > 0 } detail)
        {
            blocks.Add(Section($"*Last error*\n```{Escape(detail)}```"));
        }
        blocks.Add(Section($"Alert {n.AlertId} · target `{Escape(n.TargetKey)}` · GET /alerts lists it"));
        return new JsonObject
        {
            ["text"] = ":rotating_light: " + Escape(AlertText.Headline(n)),
            ["blocks"] = blocks,
        };
    }

    private static JsonObject Recovered(ClaimedAlertNotification n)
    {
        var resolvedAt = n.ResolvedAt ?? DateTimeOffset.UtcNow;
        return new JsonObject
        {
            ["text"] = ":white_check_mark: " + Escape(AlertText.Headline(n)),
            ["blocks"] = new JsonArray
            {
                Section($"*:white_check_mark: Webhook endpoint recovered*\nDelivering again after {AlertText.Duration(resolvedAt - n.RaisedAt)}."),
                Fields(
                    $"*Endpoint*\n{Escape(n.TargetUrl)}",
                    $"*Merchant*\n{Escape(n.MerchantId ?? "(none: a shared target)")}",
                    $"*Was failing*\n{Escape(AlertText.Kinds(n))}",
                    $"*Recovered*\n{Escape(AlertText.Time(resolvedAt))}"),
            },
        };
    }

    private static JsonObject Section(string mrkdwn) => new()
    {
        ["type"] = "section",
        ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = mrkdwn },
    };

    private static JsonObject Fields(params string[] fields)
    {
        var array = new JsonArray();
        foreach (var field in fields)
        {
            array.Add(new JsonObject { ["type"] = "mrkdwn", ["text"] = field });
        }
        return new JsonObject { ["type"] = "section", ["fields"] = array };
    }

    /// <summary>Slack reads &amp;, &lt; and &gt; as markup; anything of ours or a merchant's is escaped so it shows as written.</summary>
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}

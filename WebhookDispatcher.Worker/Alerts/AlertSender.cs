using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using WebhookDispatcher.Core.Alerts;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Worker.Alerts;

/// <summary>What one send of a notification came to.</summary>
/// <param name="Status"><see cref="AlertNotificationStatus.Sent"/>; <see cref="AlertNotificationStatus.Pending"/>, to try again; or <see cref="AlertNotificationStatus.Failed"/>, refused for good.</param>
/// <param name="RetryAfter">How long the channel asked us to wait, if it did.</param>
public sealed record AlertSendOutcome(string Status, string? Error, TimeSpan? RetryAfter = null);

/// <summary>
/// POSTs one notification to its channel, once: no retry here, so every try is recorded. 2xx is sent; 408, 429, a
/// 5xx, a timeout or a network error is worth another try; any other 4xx (a bad routing key, a deleted webhook)
/// will never succeed, and is failed for good.
/// </summary>
public sealed class AlertSender(IHttpClientFactory httpClientFactory, IOptions<AlertOptions> options)
{
    public const string HttpClientName = "alerts";

    private const int MaxBodyInError = 300;

    public async Task<AlertSendOutcome> SendAsync(ClaimedAlertNotification notification, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var (url, body) = notification.Channel switch
        {
            AlertChannel.Slack => (settings.Slack.WebhookUrl, SlackMessage.For(notification)),
            AlertChannel.PagerDuty => (settings.PagerDuty.EventsUrl, PagerDutyEvent.For(notification, settings.PagerDuty.RoutingKey ?? "")),
            _ => ((string?)null, (JsonObject?)null),
        };
        if (url is null || body is null)
        {
            return new AlertSendOutcome(AlertNotificationStatus.Failed, $"No channel '{notification.Channel}' is configured.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.AttemptTimeout);
        try
        {
            using var response = await httpClientFactory.CreateClient(HttpClientName).PostAsJsonAsync(url, body, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                return new AlertSendOutcome(AlertNotificationStatus.Sent, null);
            }
            var error = await DescribeAsync(response, timeout.Token);
            var code = (int)response.StatusCode;
            return code is 408 or 429 or >= 500
                ? new AlertSendOutcome(AlertNotificationStatus.Pending, error, RetryAfter(response))
                : new AlertSendOutcome(AlertNotificationStatus.Failed, error);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AlertSendOutcome(AlertNotificationStatus.Pending, $"Timed out after {settings.AttemptTimeout.TotalSeconds:0.###} s.");
        }
        catch (HttpRequestException ex)
        {
            return new AlertSendOutcome(AlertNotificationStatus.Pending, ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message);
        }
    }

    /// <summary>"HTTP 400 Bad Request: invalid_payload": the status, and the start of what the channel said.</summary>
    private static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase ?? ((HttpStatusCode)response.StatusCode).ToString()}";
        string text;
        try
        {
            text = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return status;
        }
        if (text.Length == 0)
        {
            return status;
        }
        return $"{status}: {(text.Length <= MaxBodyInError ? text : text[..MaxBodyInError] + "…")}";
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => null,
    };
}

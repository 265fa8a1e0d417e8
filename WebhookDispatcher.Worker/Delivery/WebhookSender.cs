using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Delivery;
using WebhookDispatcher.Core.Signing;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Core.Telemetry;

namespace WebhookDispatcher.Worker.Delivery;

/// <summary>
/// Makes one signed HTTP attempt of a claimed delivery. Every attempt gets a fresh timestamp and signature and
/// the same <c>webhook-id</c> (the event id), so merchants can dedupe the at-least-once retries.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory httpClientFactory, IOptions<DispatcherOptions> options, TimeProvider time)
{
    public const string HttpClientName = "webhooks";
    private const int MaxErrorLength = 500;
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");
    private static readonly ProductInfoHeaderValue UserAgent = new("WebhookDispatcher", "1.0");

    private readonly WebhookSecret? _defaultSecret =
        WebhookSecret.TryParse(options.Value.SigningSecret, out var secret) ? secret : null;

    /// <summary>
    /// The span of one attempt. It joins the trace of the request that ingested the event, so one trace shows the
    /// event's whole life: POST /events, then each attempt, its HTTP call (which passes traceparent on) and its logs.
    /// </summary>
    public static Activity? StartAttemptActivity(ClaimedDelivery delivery)
    {
        ActivityContext.TryParse(delivery.Traceparent, null, out var ingestion);
        var activity = DispatcherTelemetry.ActivitySource.StartActivity("webhook deliver", ActivityKind.Internal, ingestion);
        activity?.SetTag("webhook.id", delivery.EventId);
        activity?.SetTag("webhook.delivery_id", delivery.Id);
        activity?.SetTag("webhook.attempt", delivery.AttemptCount + 1);
        activity?.SetTag("webhook.merchant_id", delivery.MerchantId);
        activity?.SetTag("webhook.event_type", delivery.EventType);
        return activity;
    }

    /// <summary>Sends one attempt; run it inside <see cref="StartAttemptActivity"/>'s span.</summary>
    public async Task<AttemptResult> SendAsync(ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var targetUrl = delivery.TargetUrl ?? options.Value.DefaultTargetUrl;
        if (string.IsNullOrEmpty(targetUrl))
        {
            return new AttemptResult(startedAt, 0, null, "No target: the merchant has no endpoint and Dispatcher:DefaultTargetUrl is not set.");
        }
        var secrets = SecretsFor(delivery);
        if (secrets.Count == 0)
        {
            return new AttemptResult(startedAt, 0, null, "No signing secret: Dispatcher:SigningSecret is not set.");
        }

        var activity = Activity.Current;
        var body = WebhookEnvelope.Build(delivery.EventId, delivery.EventType, delivery.MerchantId, delivery.EventCreatedAt, delivery.PayloadJson);
        var webhookId = delivery.EventId.ToString();
        var timestamp = startedAt.ToUnixTimeSeconds();

        using var request = new HttpRequestMessage(HttpMethod.Post, targetUrl);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = JsonContentType;
        request.Headers.UserAgent.Add(UserAgent);
        request.Headers.TryAddWithoutValidation(WebhookSigner.IdHeader, webhookId);
        request.Headers.TryAddWithoutValidation(WebhookSigner.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSigner.SignatureHeader, WebhookSigner.SignAll(secrets, webhookId, timestamp, body));
        request.Headers.TryAddWithoutValidation(WebhookSigner.LegacySignatureHeader, WebhookSigner.SignLegacy(secrets[0], body));

        var stopwatch = Stopwatch.StartNew();
        try
        {
            using var response = await httpClientFactory.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            activity?.SetTag("http.response.status_code", status);
            if (response.IsSuccessStatusCode)
            {
                return new AttemptResult(startedAt, stopwatch.Elapsed.TotalMilliseconds, status, null);
            }
            activity?.SetStatus(ActivityStatusCode.Error, $"HTTP {status}");
            return new AttemptResult(startedAt, stopwatch.Elapsed.TotalMilliseconds, status,
                $"HTTP {status} {response.ReasonPhrase}".TrimEnd(), RetryAfter(response, startedAt));
        }
        catch (TimeoutRejectedException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "timeout");
            return new AttemptResult(startedAt, stopwatch.Elapsed.TotalMilliseconds, null, $"Timed out after {options.Value.AttemptTimeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            var detail = ex.InnerException is { } inner && inner.Message != ex.Message ? $"{ex.Message} ({inner.Message})" : ex.Message;
            return new AttemptResult(startedAt, stopwatch.Elapsed.TotalMilliseconds, null, Truncate(detail));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "timeout");
            return new AttemptResult(startedAt, stopwatch.Elapsed.TotalMilliseconds, null, $"Timed out after {stopwatch.Elapsed.TotalSeconds:0.#} s.");
        }
    }

    /// <summary>The endpoint's secret, and while it rotates the previous one too; the default secret otherwise.</summary>
    private IReadOnlyList<WebhookSecret> SecretsFor(ClaimedDelivery delivery)
    {
        if (delivery.EndpointSecret is null)
        {
            return _defaultSecret is null ? [] : [_defaultSecret];
        }
        var current = WebhookSecret.Parse(delivery.EndpointSecret);
        return delivery.EndpointPreviousSecret is { } previous && WebhookSecret.TryParse(previous, out var old)
            ? [current, old]
            : [current];
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };

    private static string Truncate(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
}

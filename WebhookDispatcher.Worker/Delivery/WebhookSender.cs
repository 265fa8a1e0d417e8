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
public sealed partial class WebhookSender(IHttpClientFactory httpClientFactory, IOptions<DispatcherOptions> options, SecretSealer sealer,
    TimeProvider time, ILogger<WebhookSender> logger)
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
        IReadOnlyList<WebhookSecret> secrets;
        try
        {
            secrets = SecretsFor(delivery);
        }
        catch (SecretUnsealException ex)
        {
            // No retry can open it, and nothing may go unsigned: the attempt is recorded and the delivery ends dead,
            // where it can be retried by hand once the key or the secret is put right (a rotation writes a new one).
            SecretUnreadable(logger, delivery.Id, delivery.EndpointId, delivery.MerchantId, ex.Message);
            return new AttemptResult(startedAt, 0, null, Truncate($"Not sent: the endpoint's stored signing secret cannot be read. {ex.Message}"), Permanent: true);
        }
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
        if (delivery.LegacySignature)
        {
            // Body only, no timestamp: replayable forever, so sent only where asked for (and to the default target).
            request.Headers.TryAddWithoutValidation(WebhookSigner.LegacySignatureHeader, WebhookSigner.SignLegacy(secrets[0], body));
        }

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

    /// <summary>The endpoint's secret, and while it rotates the previous one too, opened from their sealed form; the default secret otherwise.</summary>
    /// <exception cref="SecretUnsealException">The endpoint's current secret does not open, or is not a whsec_ secret.</exception>
    private IReadOnlyList<WebhookSecret> SecretsFor(ClaimedDelivery delivery)
    {
        if (delivery.EndpointSecret is null || delivery.EndpointId is not { } endpointId)
        {
            return _defaultSecret is null ? [] : [_defaultSecret];
        }
        if (!WebhookSecret.TryParse(sealer.Unseal(delivery.EndpointSecret, endpointId), out var current))
        {
            throw new SecretUnsealException("It opens, but is not a whsec_ secret.");
        }
        if (delivery.EndpointPreviousSecret is not { } previous)
        {
            return [current];
        }
        try
        {
            if (WebhookSecret.TryParse(sealer.Unseal(previous, endpointId), out var old))
            {
                return [current, old];
            }
        }
        catch (SecretUnsealException ex)
        {
            // The current secret signs; the merchant has had it since the rotation.
            PreviousSecretUnreadable(logger, endpointId, ex.Message);
        }
        return [current];
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId} to endpoint {EndpointId} of merchant {MerchantId} is dead: its stored signing secret cannot be read ({Reason})")]
    private static partial void SecretUnreadable(ILogger logger, long deliveryId, Guid? endpointId, string merchantId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Endpoint {EndpointId}'s previous signing secret cannot be read ({Reason}); signing with its current secret alone")]
    private static partial void PreviousSecretUnreadable(ILogger logger, Guid endpointId, string reason);

    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };

    private static string Truncate(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
}

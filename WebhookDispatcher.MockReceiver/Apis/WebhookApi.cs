using Microsoft.AspNetCore.Http.HttpResults;
using WebhookDispatcher.Core.Signing;
using WebhookDispatcher.MockReceiver.Services;

namespace WebhookDispatcher.MockReceiver.Apis;

/// <summary>
/// The mock merchant's webhook endpoint. Every request's signatures are checked first, both of them (the
/// Standard Webhooks one with the StandardWebhooks library and a timestamp window, and the seeds' X-Signature; see
/// <see cref="SignatureVerifier"/>): a bad one is a 401. Then the
/// dice decide, as the BullMQ seed's receiver does: fail with 500, hang past the dispatcher's timeout, or accept.
/// </summary>
public static class WebhookApi
{
    private const int MaxBodyBytes = 1024 * 1024;

    public static RouteGroupBuilder MapWebhookApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/webhook").WithTags("Webhook");

        api.MapPost("/", Receive);
        // Any path below /webhook behaves the same, so tests can register several distinct endpoints.
        api.MapPost("/{**name}", Receive);
        // Answers a fixed status after verifying (410 to see an endpoint disabled, 429 with ?retryAfter=).
        app.MapPost("/respond/{status:int}", Respond).WithTags("Webhook");

        return api;
    }

    public static async Task<IResult> Receive(HttpRequest request, ChaosBehaviour chaos, ReceiverStats stats, ArrivalLog arrivals,
        ILogger<ChaosBehaviour> logger, TimeProvider time)
    {
        arrivals.Arrived(request.Path.Value ?? "/webhook", time.GetUtcNow());
        stats.Received();
        var (verified, webhookId, body) = await VerifyAsync(request, chaos, time);
        if (!verified)
        {
            stats.BadSignature();
            logger.LogWarning("Rejected webhook {WebhookId}: bad or missing signature", webhookId);
            return TypedResults.Problem(statusCode: 401, title: "Bad signature", detail: "The webhook signature did not verify.");
        }

        switch (chaos.Roll())
        {
            case ChaosAction.Fail:
                stats.Failed();
                logger.LogInformation("Webhook {WebhookId}: failing on purpose with 500", webhookId);
                return TypedResults.Problem(statusCode: 500, title: "Chaos", detail: "The mock merchant failed on purpose.");

            case ChaosAction.Hang:
                logger.LogInformation("Webhook {WebhookId}: hanging {Seconds} s on purpose", webhookId, chaos.HangSeconds);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(chaos.HangSeconds), time, request.HttpContext.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The dispatcher gave up (its timeout): to it, this attempt failed.
                    stats.TimedOut();
                    return TypedResults.Empty;
                }
                break;
        }

        stats.Accepted(webhookId!);
        logger.LogInformation("Webhook {WebhookId}: accepted ({Bytes} bytes)", webhookId, body.Length);
        return TypedResults.Ok(new { received = true, webhookId });
    }

    public static async Task<IResult> Respond(int status, int? retryAfter, HttpRequest request, ChaosBehaviour chaos, ReceiverStats stats, TimeProvider time)
    {
        stats.Received();
        var (verified, webhookId, _) = await VerifyAsync(request, chaos, time);
        if (!verified)
        {
            stats.BadSignature();
            return TypedResults.Problem(statusCode: 401, title: "Bad signature");
        }
        if (status is >= 200 and < 300)
        {
            stats.Accepted(webhookId!);
        }
        else
        {
            stats.Failed();
        }
        if (retryAfter is { } seconds)
        {
            request.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return status is < 100 or > 599 ? TypedResults.BadRequest() : TypedResults.StatusCode(status);
    }

    private static async Task<(bool Verified, string? WebhookId, byte[] Body)> VerifyAsync(HttpRequest request, ChaosBehaviour chaos, TimeProvider time)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        var body = buffer.Length > MaxBodyBytes ? [] : buffer.ToArray();

        var webhookId = request.Headers[WebhookSigner.IdHeader].ToString();
        var verified = SignatureVerifier.Verify(chaos.Secrets, request.Headers, body, time.GetUtcNow(), chaos.TimestampTolerance);
        return (verified, string.IsNullOrEmpty(webhookId) ? null : webhookId, body);
    }
}

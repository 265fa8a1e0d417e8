using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Delivery;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Worker.Delivery;

/// <summary>Turns an attempt's result into the delivery's next state, by the retry policy.</summary>
public sealed class OutcomeClassifier(RetryPolicy policy)
{
    public DeliveryOutcome Classify(ClaimedDelivery delivery, AttemptResult result)
    {
        if (result.IsSuccess)
        {
            return Outcome(delivery, result, DeliveryStatus.Delivered, TimeSpan.Zero);
        }
        if (result.EndpointGone)
        {
            return Outcome(delivery, result with { Error = "HTTP 410 Gone: the endpoint is disabled." }, DeliveryStatus.Dead, TimeSpan.Zero) with
            {
                EndpointGone = delivery.EndpointId is not null,
            };
        }
        if (result.Permanent)
        {
            return Outcome(delivery, result, DeliveryStatus.Dead, TimeSpan.Zero);
        }
        var attemptInBudget = delivery.AttemptCount - delivery.RetryBase + 1;
        var decision = policy.AfterFailure(attemptInBudget, result.RetryAfter);
        return decision.IsDead
            ? Outcome(delivery, result, DeliveryStatus.Dead, TimeSpan.Zero)
            : Outcome(delivery, result, DeliveryStatus.Pending, decision.Delay);
    }

    /// <summary>
    /// A delivery whose endpoint is disabled: held pending, unsent, until the endpoint is enabled again. Nothing is
    /// lost and no attempt is spent.
    /// </summary>
    public static DeliveryOutcome Held(ClaimedDelivery delivery, DateTimeOffset now) =>
        new(delivery.Id, delivery.AttemptCount, DeliveryStatus.Pending, DeliveryOutcome.Held, Attempted: false, null,
            "Held: the endpoint is disabled; enabling it resumes delivery.", now, 0);

    /// <summary>A delivery put back unsent by its target's circuit or rate limit: due again after <paramref name="wait"/>, no attempt spent.</summary>
    public static DeliveryOutcome Deferred(ClaimedDelivery delivery, TimeSpan wait, DateTimeOffset now) =>
        new(delivery.Id, delivery.AttemptCount, DeliveryStatus.Pending, wait, Attempted: false, null, null, now, 0);

    /// <summary>A delivery given back unsent (the Worker is stopping): due again at once, for any Worker.</summary>
    public static DeliveryOutcome Released(ClaimedDelivery delivery, DateTimeOffset now) =>
        new(delivery.Id, delivery.AttemptCount, DeliveryStatus.Pending, TimeSpan.Zero, Attempted: false, null, null, now, 0);

    private static DeliveryOutcome Outcome(ClaimedDelivery delivery, AttemptResult result, string status, TimeSpan delay) =>
        new(delivery.Id, delivery.AttemptCount, status, delay, Attempted: true, result.StatusCode, result.Error, result.StartedAt, result.DurationMs)
        {
            TargetKey = delivery.TargetKey,
            TargetWasFailing = delivery.ConsecutiveFailures > 0 || delivery.CircuitOpenFor is not null || delivery.TargetAwaitingSuccess,
            MerchantId = delivery.MerchantId,
            TargetUrl = delivery.TargetUrl,
        };
}

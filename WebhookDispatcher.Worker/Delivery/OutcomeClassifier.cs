using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Delivery;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Worker.Delivery;

/// <summary>Turns an attempt's result into the delivery's next state, by the retry policy.</summary>
public sealed class OutcomeClassifier(RetryPolicy policy)
{
    /// <summary>How long a delivery waits when its endpoint's circuit is open; no attempt is spent on it.</summary>
    public static readonly TimeSpan CircuitOpenDelay = TimeSpan.FromSeconds(15);

    public DeliveryOutcome Classify(ClaimedDelivery delivery, AttemptResult result)
    {
        if (result.IsSuccess)
        {
            return Outcome(delivery, result, DeliveryStatus.Delivered, TimeSpan.Zero);
        }
        if (result.CircuitOpen)
        {
            return new DeliveryOutcome(delivery.Id, delivery.AttemptCount, DeliveryStatus.Pending, CircuitOpenDelay,
                Attempted: false, null, result.Error, result.StartedAt, result.DurationMs);
        }
        if (result.StatusCode == 410)
        {
            // 410 Gone: the merchant says this endpoint is no more. Stop, and disable the endpoint.
            return Outcome(delivery, result with { Error = "HTTP 410 Gone: the endpoint is disabled." }, DeliveryStatus.Dead, TimeSpan.Zero);
        }
        var attemptInBudget = delivery.AttemptCount - delivery.RetryBase + 1;
        var decision = policy.AfterFailure(attemptInBudget, result.RetryAfter);
        return decision.IsDead
            ? Outcome(delivery, result, DeliveryStatus.Dead, TimeSpan.Zero)
            : Outcome(delivery, result, DeliveryStatus.Pending, decision.Delay);
    }

    /// <summary>A delivery whose endpoint was disabled since it was queued: dead, without an attempt.</summary>
    public static DeliveryOutcome EndpointDisabled(ClaimedDelivery delivery, DateTimeOffset now) =>
        new(delivery.Id, delivery.AttemptCount, DeliveryStatus.Dead, TimeSpan.Zero, Attempted: false, null,
            "Not sent: the endpoint is disabled.", now, 0);

    /// <summary>A delivery given back unsent (the Worker is stopping): due again at once, for any Worker.</summary>
    public static DeliveryOutcome Released(ClaimedDelivery delivery, DateTimeOffset now) =>
        new(delivery.Id, delivery.AttemptCount, DeliveryStatus.Pending, TimeSpan.Zero, Attempted: false, null, null, now, 0);

    private static DeliveryOutcome Outcome(ClaimedDelivery delivery, AttemptResult result, string status, TimeSpan delay) =>
        new(delivery.Id, delivery.AttemptCount, status, delay, Attempted: true, result.StatusCode, result.Error, result.StartedAt, result.DurationMs);
}

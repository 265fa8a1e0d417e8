using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Worker.Delivery;

/// <summary>
/// What the Worker says about a finished delivery attempt, at the level an operator acts on: a success is routine
/// (Debug, or a busy Worker would drown its own logs); a failed attempt that will be retried is a Warning, since
/// the merchant is in trouble but nothing is lost yet; a delivery going dead is an Error, because it now waits
/// for a person to look at it and retry it by hand.
/// </summary>
public static partial class AttemptLog
{
    public static void Write(ILogger logger, ClaimedDelivery delivery, AttemptResult result, DeliveryOutcome outcome)
    {
        if (!outcome.Attempted)
        {
            return;
        }
        var attempt = delivery.AttemptCount + 1;
        if (result.IsSuccess)
        {
            Delivered(logger, delivery.Id, delivery.EventId, result.DurationMs);
        }
        else if (outcome.Status == DeliveryStatus.Dead)
        {
            Dead(logger, delivery.Id, delivery.EventId, delivery.MerchantId, attempt, result.Error);
        }
        else
        {
            Retrying(logger, delivery.Id, delivery.EventId, attempt, result.Error, outcome.RetryDelay.TotalSeconds);
        }
    }

    /// <summary>A delivery held unsent because its endpoint is disabled: nothing is lost, but nothing moves until someone enables it.</summary>
    public static void Held(ILogger logger, ClaimedDelivery delivery) =>
        HeldForDisabledEndpoint(logger, delivery.Id, delivery.EventId, delivery.MerchantId, delivery.EndpointId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivered {Delivery} of event {Event} in {Duration:0.0} ms")]
    private static partial void Delivered(ILogger logger, long delivery, Guid @event, double duration);

    // The error is a sentence of its own, often ending in a full stop: it comes last, with nothing after it.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {Delivery} of event {Event} attempt {Attempt} failed, next try in {Delay:0.0} s: {Error}")]
    private static partial void Retrying(ILogger logger, long delivery, Guid @event, int attempt, string? error, double delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {Delivery} of event {Event} to merchant {Merchant} is dead after attempt {Attempt}: {Error}")]
    private static partial void Dead(ILogger logger, long delivery, Guid @event, string merchant, int attempt, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {Delivery} of event {Event} to merchant {Merchant} is held: endpoint {Endpoint} is disabled")]
    private static partial void HeldForDisabledEndpoint(ILogger logger, long delivery, Guid @event, string merchant, Guid? endpoint);
}

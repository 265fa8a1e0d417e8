using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Delivery;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Worker.Delivery;
using WebhookDispatcher.Core.Targets;

namespace WebhookDispatcher.Tests.Delivery;

public class OutcomeClassifierTests
{
    private readonly OutcomeClassifier _classifier = new(new RetryPolicy(3, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1)));

    private static ClaimedDelivery Claimed(int attemptCount = 0, int retryBase = 0) => new(
        Id: 7, EventId: Guid.NewGuid(), EndpointId: Guid.NewGuid(), TargetUrl: "https://example.com/hook",
        AttemptCount: attemptCount, RetryBase: retryBase, MerchantId: "m", EventType: "t", PayloadJson: "{}",
        EventCreatedAt: DateTimeOffset.UtcNow, Traceparent: null, EndpointSecret: null, EndpointPreviousSecret: null, EndpointEnabled: true);

    private static AttemptResult Result(int? status, string? error = null, TimeSpan? retryAfter = null) =>
        new(DateTimeOffset.UtcNow, 12.5, status, error, retryAfter);

    [Theory]
    [InlineData(200)]
    [InlineData(202)]
    [InlineData(204)]
    public void A2xx_IsDelivered(int status)
    {
        var outcome = _classifier.Classify(Claimed(), Result(status));

        Assert.Equal(DeliveryStatus.Delivered, outcome.Status);
        Assert.True(outcome.Attempted);
        Assert.Equal(status, outcome.StatusCode);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(404)]
    [InlineData(429)]
    [InlineData(null)] // timeout or connection refused
    public void AFailure_IsRetriedLater_WhileAttemptsRemain(int? status)
    {
        var outcome = _classifier.Classify(Claimed(attemptCount: 0), Result(status, "boom"));

        Assert.Equal(DeliveryStatus.Pending, outcome.Status);
        Assert.True(outcome.Attempted);
        Assert.InRange(outcome.RetryDelay.TotalSeconds, 1.6, 2.4);
        Assert.Equal(0, outcome.ClaimedAttemptCount);
    }

    [Fact]
    public void TheLastAttemptFailing_IsDead()
    {
        var outcome = _classifier.Classify(Claimed(attemptCount: 2), Result(500, "HTTP 500"));

        Assert.Equal(DeliveryStatus.Dead, outcome.Status);
    }

    [Fact]
    public void ARetryByHand_StartsAFreshBudget()
    {
        // Dead after 3 attempts, retried by hand: attempts 4 and 5 may fail and still be retried.
        var outcome = _classifier.Classify(Claimed(attemptCount: 4, retryBase: 3), Result(500));

        Assert.Equal(DeliveryStatus.Pending, outcome.Status);
    }

    [Fact]
    public void Gone_IsDeadAtOnce()
    {
        var outcome = _classifier.Classify(Claimed(), Result(410, "HTTP 410 Gone"));

        Assert.Equal(DeliveryStatus.Dead, outcome.Status);
        Assert.Contains("disabled", outcome.Error);
    }

    [Fact]
    public void RetryAfter_IsHonoured()
    {
        var outcome = _classifier.Classify(Claimed(), Result(503, "HTTP 503", TimeSpan.FromSeconds(30)));

        Assert.Equal(TimeSpan.FromSeconds(30), outcome.RetryDelay);
    }

    [Fact]
    public void ADeferredDelivery_SpendsNoAttempt_AndKeepsItsLastError()
    {
        var outcome = OutcomeClassifier.Deferred(Claimed(attemptCount: 2), TimeSpan.FromSeconds(5), DateTimeOffset.UtcNow);

        Assert.False(outcome.Attempted);
        Assert.Equal(DeliveryStatus.Pending, outcome.Status);
        Assert.Equal(TimeSpan.FromSeconds(5), outcome.RetryDelay);
        Assert.Null(outcome.Error); // the SQL keeps the delivery's last real error when nothing was attempted
    }

    [Fact]
    public void ADeliveryToADisabledEndpoint_IsHeldPending_NotDead()
    {
        var outcome = OutcomeClassifier.Held(Claimed(attemptCount: 1), DateTimeOffset.UtcNow);

        Assert.False(outcome.Attempted);
        Assert.Equal(DeliveryStatus.Pending, outcome.Status);
        Assert.Equal(DeliveryOutcome.Held, outcome.RetryDelay);
    }

    [Fact]
    public void AnAttempt_CarriesItsTarget_ForTheSharedCircuit()
    {
        var delivery = Claimed() with { TargetKey = TargetKey.ForUrl("https://k.example/"), ConsecutiveFailures = 3 };

        var outcome = _classifier.Classify(delivery, Result(200));

        Assert.Equal(TargetKey.ForUrl("https://k.example/"), outcome.TargetKey);
        Assert.True(outcome.TargetWasFailing);
        Assert.True(outcome.Succeeded);
    }
}

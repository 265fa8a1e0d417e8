using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Delivery;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Worker.Delivery;

namespace WebhookDispatcher.Tests.Delivery;

/// <summary>An operator filters on levels: a real failure must not hide among the Information lines.</summary>
public class AttemptLogTests
{
    private readonly OutcomeClassifier _classifier = new(new RetryPolicy(3, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1)));
    private readonly FakeLogger _logger = new();

    private static ClaimedDelivery Claimed(int attemptCount = 0, bool endpointEnabled = true) => new(
        Id: 7, EventId: Guid.NewGuid(), EndpointId: Guid.NewGuid(), TargetUrl: "https://example.com/hook",
        AttemptCount: attemptCount, RetryBase: 0, MerchantId: "merchant_7", EventType: "t", PayloadJson: "{}",
        EventCreatedAt: DateTimeOffset.UtcNow, Traceparent: null, EndpointSecret: null, EndpointPreviousSecret: null,
        EndpointEnabled: endpointEnabled);

    private static AttemptResult Result(int? status, string? error = null) => new(DateTimeOffset.UtcNow, 12.5, status, error);

    private FakeLogRecord Write(ClaimedDelivery delivery, AttemptResult result)
    {
        AttemptLog.Write(_logger, delivery, result, _classifier.Classify(delivery, result));
        return Assert.Single(_logger.Collector.GetSnapshot());
    }

    [Theory]
    [InlineData(500, "HTTP 500 Internal Server Error")]
    [InlineData(null, "Timed out after 10 s.")]
    [InlineData(null, "Connection refused (localhost:4000)")]
    public void AFailedAttemptThatWillBeRetried_IsAWarning(int? status, string error)
    {
        var record = Write(Claimed(attemptCount: 0), Result(status, error));

        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Contains("attempt 1 failed", record.Message);
    }

    [Theory]
    [InlineData(500, "HTTP 500 Internal Server Error")]
    [InlineData(null, "Timed out after 10 s.")]
    public void TheLastAttemptFailing_IsAnError(int? status, string error)
    {
        var record = Write(Claimed(attemptCount: 2), Result(status, error));

        Assert.Equal(LogLevel.Error, record.Level);
        Assert.Contains("is dead after attempt 3", record.Message);
    }

    [Fact]
    public void Gone_IsAnError_AtOnce()
    {
        var record = Write(Claimed(attemptCount: 0), Result(410, "HTTP 410 Gone"));

        Assert.Equal(LogLevel.Error, record.Level);
    }

    [Fact]
    public void ADeliveryHeldBecauseItsEndpointIsDisabled_IsAWarning()
    {
        var delivery = Claimed(endpointEnabled: false);

        AttemptLog.Held(_logger, delivery);

        Assert.Equal(LogLevel.Warning, Assert.Single(_logger.Collector.GetSnapshot()).Level);
    }

    [Fact]
    public void ASuccess_IsDebugOnly()
    {
        var record = Write(Claimed(), Result(200));

        Assert.Equal(LogLevel.Debug, record.Level);
    }

    [Fact]
    public void NothingSent_NothingSaid()
    {
        var delivery = Claimed();
        var result = new AttemptResult(DateTimeOffset.UtcNow, 0, null, null);

        AttemptLog.Write(_logger, delivery, result, OutcomeClassifier.Deferred(delivery, TimeSpan.FromSeconds(1), DateTimeOffset.UtcNow));

        Assert.Empty(_logger.Collector.GetSnapshot());
    }
}

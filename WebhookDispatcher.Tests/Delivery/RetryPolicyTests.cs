using WebhookDispatcher.Core.Delivery;

namespace WebhookDispatcher.Tests.Delivery;

public class RetryPolicyTests
{
    private readonly RetryPolicy _policy = new(maxAttempts: 8, baseDelay: TimeSpan.FromSeconds(2), maxDelay: TimeSpan.FromSeconds(60));

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(4, 16)]
    [InlineData(5, 32)]
    [InlineData(6, 60)] // 64 s capped at MaxDelay
    [InlineData(7, 60)]
    public void Backoff_DoublesFromTheBaseDelay_UpToTheCap(int attempt, int expectedSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), _policy.BackoffFor(attempt));
    }

    [Theory]
    [InlineData(0.0, 1.6)]
    [InlineData(0.5, 2.0)]
    [InlineData(0.999999, 2.4)]
    public void Jitter_SpreadsTheDelayByTwentyPercentEitherWay(double sample, double expectedSeconds)
    {
        var decision = _policy.AfterFailure(1, null, sample);

        Assert.False(decision.IsDead);
        Assert.Equal(expectedSeconds, decision.Delay.TotalSeconds, precision: 3);
    }

    [Fact]
    public void Jitter_NeverPushesPastTheCap()
    {
        Assert.Equal(TimeSpan.FromSeconds(60), _policy.AfterFailure(7, null, 0.999999).Delay);
    }

    [Fact]
    public void AfterTheLastAttempt_TheDeliveryIsDead()
    {
        Assert.False(_policy.AfterFailure(7, null, 0.5).IsDead);
        Assert.True(_policy.AfterFailure(8, null, 0.5).IsDead);
        Assert.True(_policy.AfterFailure(9, null, 0.5).IsDead);
    }

    [Theory]
    [InlineData(30, 30)]   // honoured
    [InlineData(0, 2)]     // never sooner than the base delay
    [InlineData(3600, 60)] // never past the cap
    public void RetryAfter_ReplacesTheBackoff_WithinBaseDelayAndCap(int retryAfterSeconds, int expectedSeconds)
    {
        var decision = _policy.AfterFailure(1, TimeSpan.FromSeconds(retryAfterSeconds), 0.5);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), decision.Delay);
    }

    [Fact]
    public void DefaultSchedule_IsTheDesignsTwoFourEight()
    {
        var policy = new RetryPolicy(new Core.DispatcherOptions());

        Assert.Equal(8, policy.MaxAttempts);
        Assert.Equal([2.0, 4.0, 8.0], [.. Enumerable.Range(1, 3).Select(n => policy.BackoffFor(n).TotalSeconds)]);
    }
}

namespace WebhookDispatcher.Core.Delivery;

/// <summary>What happens after a failed attempt: try again after a delay, or give up.</summary>
public readonly record struct RetryDecision(bool IsDead, TimeSpan Delay)
{
    public static RetryDecision Dead { get; } = new(true, TimeSpan.Zero);
}

/// <summary>
/// Exponential backoff with jitter: attempt n fails ⇒ wait <c>BaseDelay·2^(n-1)</c> (2 s, 4 s, 8 s …), spread by
/// ±<see cref="JitterFraction"/> so a merchant coming back up is not hit by every retry in the same second,
/// capped at <c>MaxDelay</c>. A <c>Retry-After</c> from the merchant replaces the backoff, within
/// [<c>BaseDelay</c>, <c>MaxDelay</c>]. After <c>MaxAttempts</c> the delivery is dead.
/// </summary>
public sealed class RetryPolicy(int maxAttempts, TimeSpan baseDelay, TimeSpan maxDelay)
{
    public const double JitterFraction = 0.2;

    public RetryPolicy(DispatcherOptions options)
        : this(options.MaxAttempts, options.BaseDelay, options.MaxDelay)
    {
    }

    public int MaxAttempts => maxAttempts;

    /// <summary>The delay after attempt <paramref name="attemptNumber"/> (1-based) fails, before jitter.</summary>
    public TimeSpan BackoffFor(int attemptNumber)
    {
        var exponent = Math.Clamp(attemptNumber - 1, 0, 40);
        var ticks = baseDelay.Ticks * Math.Pow(2, exponent);
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <param name="attemptNumber">Attempts made in this delivery's budget, this one included (1-based).</param>
    /// <param name="retryAfter">The merchant's Retry-After, if it sent one.</param>
    /// <param name="jitterSample">A number in [0, 1); <see cref="Random.Shared"/> in production, fixed in tests.</param>
    public RetryDecision AfterFailure(int attemptNumber, TimeSpan? retryAfter, double jitterSample)
    {
        if (attemptNumber >= maxAttempts)
        {
            return RetryDecision.Dead;
        }
        if (retryAfter is { } asked)
        {
            return new RetryDecision(false, asked < baseDelay ? baseDelay : asked > maxDelay ? maxDelay : asked);
        }
        var backoff = BackoffFor(attemptNumber);
        var factor = 1 + JitterFraction * (2 * jitterSample - 1);
        var delay = TimeSpan.FromTicks((long)(backoff.Ticks * factor));
        return new RetryDecision(false, delay > maxDelay ? maxDelay : delay);
    }

    public RetryDecision AfterFailure(int attemptNumber, TimeSpan? retryAfter = null) =>
        AfterFailure(attemptNumber, retryAfter, Random.Shared.NextDouble());
}

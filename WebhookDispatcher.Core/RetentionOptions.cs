namespace WebhookDispatcher.Core;

/// <summary>
/// The <c>Retention</c> configuration section: how long finished work is kept. An event whose deliveries are all
/// delivered or dead, none changed for <see cref="Period"/>, is removed with its deliveries and attempts. So a dead
/// delivery stays reviewable and retryable for the period after it died, and an idempotency key is remembered for
/// the period after its event was accepted. Anything pending or in flight is never removed.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>How long finished events are kept; zero turns retention off.</summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often a Worker looks for expired events.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long an ad-hoc target's shared state (its pace and circuit in <c>target_states</c>) is kept once no Worker
    /// touches it. Well past <c>Dispatcher:MaxDelay</c>, so no retry is still due to a target whose state is removed.
    /// </summary>
    public TimeSpan AdHocTargetIdle { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Events removed per statement: small, so no delete holds locks or WAL long enough to slow claims or ingestion.</summary>
    public int BatchSize { get; set; } = 1000;
}

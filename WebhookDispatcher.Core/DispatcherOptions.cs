using System.ComponentModel.DataAnnotations;

namespace WebhookDispatcher.Core;

/// <summary>The <c>Dispatcher</c> configuration section, read by the Api and the Worker alike.</summary>
public sealed partial class DispatcherOptions
{
    /// <summary>Attempts before a delivery is dead (the seed's MAX_ATTEMPTS).</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Delay after the first failure; doubles after each further one.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest a delivery waits between attempts, Retry-After included.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long one HTTP attempt may take (the seed's HTTP_TIMEOUT_MS).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most deliveries claimed by one query (the seed's BATCH_SIZE).</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// Most payload bytes one claim may load, added up from the events' stored sizes: a backlog of large payloads is
    /// claimed a few at a time instead of <see cref="BatchSize"/> at a time. One delivery is always claimed, however large.
    /// </summary>
    [Range(1d, double.MaxValue)]
    public long MaxClaimBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Most HTTP attempts in flight in one Worker.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrency { get; set; } = 256;

    /// <summary>
    /// Most attempts in flight to one endpoint (one host and port) from one Worker: a merchant is never flooded,
    /// and one slow merchant can't take every slot. Attempts over the limit wait their turn, unsent.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxConcurrencyPerEndpoint { get; set; } = 64;

    /// <summary>
    /// The rate limit, in requests per second, of the default target and of ad-hoc targets (a registered endpoint has
    /// its own <c>rateLimitPerSecond</c>, null for none). Unset means no limit.
    /// </summary>
    [Range(1, 100_000)]
    public int? DefaultRateLimitPerSecond { get; set; }

    /// <summary>
    /// Failures in a row after which a target's circuit opens for every Worker. High enough that a flaky endpoint
    /// keeps being tried (one failing 70% of attempts, as the MockReceiver's chaos does, runs 50 in a row about once
    /// in 50 million attempts); low enough that a dead one stops costing attempts within a few seconds of retries.
    /// </summary>
    [Range(1, 100_000)]
    public int CircuitBreakAfter { get; set; } = 50;

    /// <summary>How long an open circuit defers a target's deliveries (no attempt spent) before one probe may go.</summary>
    public TimeSpan CircuitCooldown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An endpoint whose every attempt has failed for this long is disabled; its deliveries are held, not lost.</summary>
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(5);

    /// <summary>Fallback poll when no Redis wake-up arrives (the seed's POLL_INTERVAL_MS).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a claim is held; a Worker that dies loses its claims after this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Where a merchant with no registered endpoint is delivered (the seed's TARGET_URL).</summary>
    public string? DefaultTargetUrl { get; set; }

    /// <summary>Allow targets on private, loopback and link-local addresses (development only).</summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>Only https targets. Unset: on outside Development, off in it (see <c>Targets/TargetRules</c>).</summary>
    public bool? RequireHttps { get; set; }

    /// <summary>The ports a target may use (<c>Dispatcher__AllowedPorts__0=443</c>, …). Unset: 443 and 8443 outside Development, any in it.</summary>
    public int[]? AllowedPorts { get; set; }

    /// <summary>
    /// An explicit proxy every webhook goes through (an http URL). Unset, webhooks connect directly and the system's
    /// proxy settings (HTTPS_PROXY, ...) are ignored, so the address check at connect time sees the target itself.
    /// A proxy set here must enforce the same address policy: the Worker then only sees the proxy's address.
    /// </summary>
    public string? EgressProxy { get; set; }

    /// <summary>The whsec_ secret for the default and ad-hoc targets (the seed's HMAC_SECRET).</summary>
    public string? SigningSecret { get; set; }

    /// <summary>How long a Worker that is stopping waits for attempts in flight before releasing them.</summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(15);
}

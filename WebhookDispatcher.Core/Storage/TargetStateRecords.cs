using WebhookDispatcher.Core.Targets;

namespace WebhookDispatcher.Core.Storage;

/// <summary>A Worker asking for send slots: <paramref name="Wanted"/> requests to one rate-limited target.</summary>
public sealed record PaceRequest(TargetKey TargetKey, Guid? EndpointId, int Wanted, double RatePerSecond);

/// <summary>
/// The slots a Worker got: <paramref name="Taken"/> requests, the first <paramref name="StartsIn"/> after
/// <paramref name="DatabaseNow"/> and each next one <c>1 / RatePerSecond</c> later. The rest are put back due one
/// slot apart from <paramref name="DeferFrom"/>.
/// </summary>
public sealed record PaceReservation(TargetKey TargetKey, TimeSpan StartsIn, int Taken, double RatePerSecond, TimeSpan DeferFrom, DateTimeOffset DatabaseNow)
{
    /// <summary>How long the <paramref name="index"/>th request (from 0) waits: its slot if taken, else when it is due again.</summary>
    public TimeSpan WaitFor(int index) => index < Taken
        ? StartsIn + TimeSpan.FromSeconds(index / RatePerSecond)
        : DeferFrom + TimeSpan.FromSeconds((index - Taken) / RatePerSecond);
}

/// <summary>One outcome batch's results for one target, in the order they happened.</summary>
/// <param name="Succeeded">At least one attempt succeeded; <paramref name="TrailingFailures"/> then counts those after the last success.</param>
public sealed record TargetResult(TargetKey TargetKey, Guid? EndpointId, bool Succeeded, int TrailingFailures, DateTimeOffset? FirstTrailingFailureAt, string? LastError);

/// <summary>A target's shared state after a batch's results were counted in.</summary>
/// <param name="CircuitOpened">This batch opened (or, after a failed probe, reopened) the circuit.</param>
/// <param name="FailingTooLong">Every attempt has failed for longer than <c>Dispatcher:DisableAfter</c>.</param>
public sealed record TargetStateChange(
    TargetKey TargetKey,
    Guid? EndpointId,
    int ConsecutiveFailures,
    DateTimeOffset? FailingSince,
    DateTimeOffset? CircuitOpenUntil,
    bool CircuitOpened,
    bool FailingTooLong,
    string? LastError);

/// <summary>An endpoint's circuit as the operator sees it.</summary>
public static class CircuitState
{
    public const string Closed = "closed";
    public const string Open = "open";
    public const string HalfOpen = "half_open";
}

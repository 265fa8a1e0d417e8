using Microsoft.Extensions.Options;
using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Core.Targets;

namespace WebhookDispatcher.Worker.Delivery;

public enum GateDecision
{
    /// <summary>Send it, after <see cref="GatedDelivery.Wait"/> (its rate-limit slot).</summary>
    Send,

    /// <summary>Give it back unsent, due again after <see cref="GatedDelivery.Wait"/>: no attempt is spent.</summary>
    Defer,

    /// <summary>Its endpoint is disabled: keep it pending until the endpoint is enabled again.</summary>
    Hold,
}

/// <param name="LateTolerance">
/// For a paced send: how late past its slot it may still start. A Worker held up (a busy machine, a long GC) must not
/// send a batch of late slots on top of punctual ones, or the merchant would see a burst; a send later than this is
/// deferred to a fresh slot instead. The limit can come out lower, never higher.
/// </param>
/// <param name="SlotAt">For a paced send: when its slot begins, as a <see cref="TimeProvider.GetTimestamp"/> value.</param>
public readonly record struct GatedDelivery(ClaimedDelivery Delivery, GateDecision Decision, TimeSpan Wait, TimeSpan? LateTolerance = null, long SlotAt = 0);

/// <summary>
/// Decides, for each claimed delivery, whether it may go now, by the state every Worker shares in
/// <c>target_states</c>: a disabled endpoint holds its deliveries; an open circuit defers them until it half-opens,
/// when one Worker sends one probe; a rate limit hands out send slots. Whatever cannot be decided (the database
/// failed) is deferred: the gate fails closed, never sending over a limit.
/// </summary>
public sealed class TargetGate(TargetStateStore states, IOptions<DispatcherOptions> options, TimeProvider time, ILogger<TargetGate> logger)
{
    /// <summary>How far ahead a Worker takes send slots, and so how long it may hold a paced delivery before sending.</summary>
    public static readonly TimeSpan PaceHorizon = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The share of a limit the Worker paces at. Between our send and the merchant's clock lie the network and two
    /// schedulers; their jitter can bunch requests sent evenly, and the merchant counts what arrives. Pacing 5%
    /// under the limit keeps their count of any second within it (measured: 20/s paced at 100% was seen as 23 in a
    /// second at a receiver on a busy machine).
    /// </summary>
    public const double PaceHeadroom = 0.95;

    /// <summary>How long work waits when the gate could not decide.</summary>
    private static readonly TimeSpan Undecided = TimeSpan.FromSeconds(1);

    public async Task<IReadOnlyList<GatedDelivery>> AdmitAsync(IReadOnlyList<ClaimedDelivery> claimed, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var admitted = new List<GatedDelivery>(claimed.Count);
        List<(PaceRequest Request, List<ClaimedDelivery> Deliveries)>? paced = null;

        foreach (var group in claimed.GroupBy(d => d.TargetKey))
        {
            var first = group.First();
            if (group.Key is null)
            {
                // No target at all: the sender records why; nothing to pace or break.
                AddAll(admitted, group, GateDecision.Send, TimeSpan.Zero);
            }
            else if (!first.EndpointEnabled)
            {
                AddAll(admitted, group, GateDecision.Hold, TimeSpan.Zero);
            }
            else if (first.CircuitOpenFor is { } openFor)
            {
                await AdmitThroughCircuitAsync(admitted, group.Key.Value, group.ToList(), openFor, first.ProbeOutFor, settings, cancellationToken);
            }
            else if ((first.EndpointId is null ? settings.DefaultRateLimitPerSecond : first.RateLimitPerSecond) is { } rate)
            {
                var deliveries = group.ToList();
                (paced ??= []).Add((new PaceRequest(group.Key.Value, first.EndpointId, deliveries.Count, rate * PaceHeadroom), deliveries));
            }
            else
            {
                AddAll(admitted, group, GateDecision.Send, TimeSpan.Zero);
            }
        }

        if (paced is not null)
        {
            await PaceAsync(admitted, paced, cancellationToken);
        }
        return admitted;
    }

    /// <summary>
    /// Open: everything waits until the circuit half-opens. Half-open: the first Worker to ask sends one delivery
    /// as the probe; the rest, here and in every other Worker, wait for its verdict.
    /// </summary>
    private async Task AdmitThroughCircuitAsync(List<GatedDelivery> admitted, TargetKey targetKey, List<ClaimedDelivery> deliveries,
        TimeSpan openFor, TimeSpan? probeOutFor, DispatcherOptions settings, CancellationToken cancellationToken)
    {
        if (openFor > TimeSpan.Zero)
        {
            AddAll(admitted, deliveries, GateDecision.Defer, openFor);
            return;
        }
        if (probeOutFor is { } probe && probe > TimeSpan.Zero)
        {
            AddAll(admitted, deliveries, GateDecision.Defer, probe < settings.AttemptTimeout ? probe : settings.AttemptTimeout);
            return;
        }
        var won = false;
        try
        {
            won = await states.TryStartProbeAsync(targetKey, settings.LeaseDuration, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Could not start a probe of {Target}; its deliveries wait: {Message}", targetKey, ex.Message);
        }
        if (won)
        {
            logger.LogInformation("Circuit of {Target} is half-open: sending delivery {Delivery} as the probe", targetKey, deliveries[0].Id);
            admitted.Add(new GatedDelivery(deliveries[0], GateDecision.Send, TimeSpan.Zero));
            AddAll(admitted, deliveries.Skip(1), GateDecision.Defer, settings.AttemptTimeout);
        }
        else
        {
            AddAll(admitted, deliveries, GateDecision.Defer, settings.AttemptTimeout);
        }
    }

    private async Task PaceAsync(List<GatedDelivery> admitted, List<(PaceRequest Request, List<ClaimedDelivery> Deliveries)> paced,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<PaceReservation> reservations;
        long sentAt, receivedAt;
        DateTimeOffset receivedAtUtc;
        try
        {
            sentAt = time.GetTimestamp();
            reservations = await states.ReserveAsync(paced.Select(p => p.Request).ToList(), PaceHorizon, cancellationToken);
            receivedAt = time.GetTimestamp();
            receivedAtUtc = time.GetUtcNow();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Could not reserve send slots; {Count} rate-limited deliveries wait: {Message}",
                paced.Sum(p => p.Deliveries.Count), ex.Message);
            foreach (var (_, deliveries) in paced)
            {
                AddAll(admitted, deliveries, GateDecision.Defer, Undecided);
            }
            return;
        }

        var byKey = reservations.ToDictionary(r => r.TargetKey);
        foreach (var (request, deliveries) in paced)
        {
            if (!byKey.TryGetValue(request.TargetKey, out var reservation))
            {
                // The endpoint went away between the claim and now; the next claim sees what became of it.
                AddAll(admitted, deliveries, GateDecision.Defer, Undecided);
                continue;
            }
            var tolerance = LateToleranceFor(request.RatePerSecond);
            var anchor = DatabaseNowAsTimestamp(reservation, sentAt, receivedAt, receivedAtUtc);
            for (var i = 0; i < deliveries.Count; i++)
            {
                var wait = reservation.WaitFor(i);
                admitted.Add(i < reservation.Taken
                    ? new GatedDelivery(deliveries[i], GateDecision.Send, wait, tolerance, anchor + (long)(wait.TotalSeconds * time.TimestampFrequency))
                    : new GatedDelivery(deliveries[i], GateDecision.Defer, wait > TimeSpan.Zero ? wait : TimeSpan.Zero));
            }
        }
    }

    /// <summary>
    /// When, on this Worker's clock, the database took its reading of now. Slots count from that moment, not from
    /// when the answer was read: a Worker held up between the two would otherwise send late slots on top of the next
    /// reservation's. With clocks in step (one machine, or NTP) the wall-clock difference says how long ago it was;
    /// it is kept within the round trip, so a skewed clock can never move a slot outside it.
    /// </summary>
    private long DatabaseNowAsTimestamp(PaceReservation reservation, long sentAt, long receivedAt, DateTimeOffset receivedAtUtc)
    {
        var roundTrip = receivedAt - sentAt;
        var ago = (long)((receivedAtUtc - reservation.DatabaseNow).TotalSeconds * time.TimestampFrequency);
        return receivedAt - Math.Clamp(ago, 0, roundTrip);
    }

    /// <summary>
    /// Sends at most <c>1 / rate</c> apart, each up to <c>d</c> late, put at most <c>rate × (1 + d) + 1</c> in any
    /// second: d = 0.1 s − 1 / rate keeps that within 10% of the limit. Below 20/s one request is already 5–10%
    /// of it, so half a slot is allowed there.
    /// </summary>
    internal static TimeSpan LateToleranceFor(double ratePerSecond) =>
        TimeSpan.FromSeconds(Math.Max(0.1 - 1 / ratePerSecond, 0.5 / ratePerSecond));

    private static void AddAll(List<GatedDelivery> admitted, IEnumerable<ClaimedDelivery> deliveries, GateDecision decision, TimeSpan wait)
    {
        foreach (var delivery in deliveries)
        {
            admitted.Add(new GatedDelivery(delivery, decision, wait));
        }
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Options;
using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Core.Telemetry;
using WebhookDispatcher.Worker.Delivery;

namespace WebhookDispatcher.Worker.Services;

/// <summary>
/// The delivery loop. Claims due deliveries in batches (the lease is committed before any HTTP call), sends up to
/// <c>MaxConcurrency</c> at once, and hands each outcome to the <see cref="OutcomeWriter"/>. When the queue is
/// empty it sleeps until a Redis wake-up, the earliest retry coming due, or the fallback poll, whichever is first.
/// On shutdown it stops claiming, lets attempts in flight finish for a grace period, and gives back the rest.
/// </summary>
public sealed class DeliveryWorker(
    DeliveryQueue store,
    EndpointStore endpoints,
    TargetGate gate,
    WebhookSender sender,
    OutcomeClassifier classifier,
    OutcomeWriter writer,
    DeliveryWakeUp wakeUp,
    WorkerIdentity worker,
    IOptions<DispatcherOptions> options,
    TimeProvider time,
    ILogger<DeliveryWorker> logger) : BackgroundService
{
    // Never spin: even with work due that other Workers hold, wait this long between empty claims.
    private static readonly TimeSpan MinimumIdleWait = TimeSpan.FromMilliseconds(25);

    private readonly AsyncSignal _capacity = new();
    private readonly CancellationTokenSource _abandonSends = new();
    private int _inFlight;

    public int InFlight => Volatile.Read(ref _inFlight);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        // Claim again once a useful share of the slots is free, rather than one query per finished attempt.
        var claimThreshold = Math.Max(1, Math.Min(settings.BatchSize, settings.MaxConcurrency) / 4);
        logger.LogInformation("Worker {Worker} delivering: batch {Batch}, concurrency {Concurrency}, lease {Lease}, poll {Poll}",
            worker.Id, settings.BatchSize, settings.MaxConcurrency, settings.LeaseDuration, settings.PollInterval);

        using var writerStop = new CancellationTokenSource();
        var writing = writer.RunAsync(writerStop.Token);
        var claimFailures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var free = settings.MaxConcurrency - InFlight;
                if (free < claimThreshold && InFlight > 0)
                {
                    await _capacity.WaitAsync(settings.PollInterval, stoppingToken);
                    continue;
                }

                var requested = Math.Min(free, settings.BatchSize);
                IReadOnlyList<ClaimedDelivery> claimed;
                try
                {
                    claimed = await store.ClaimAsync(requested, worker.Id, settings.LeaseDuration, settings.DefaultTargetUrl, settings.MaxClaimBytes, stoppingToken);
                    claimFailures = 0;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    var delay = TimeSpan.FromMilliseconds(Math.Min(250 * Math.Pow(2, claimFailures++), 5000));
                    logger.LogWarning("Claim failed, retrying in {Delay}: {Message}", delay, ex.Message);
                    await Task.Delay(delay, stoppingToken);
                    continue;
                }

                if (claimed.Count > 0)
                {
                    DispatcherTelemetry.Claimed.Add(claimed.Count);
                    await StartAsync(claimed, stoppingToken);
                }
                if (claimed.Count == requested)
                {
                    continue; // more may be due
                }

                await WaitForWorkAsync(settings, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await DrainAsync(settings.ShutdownGracePeriod);
        writer.Complete();
        writerStop.CancelAfter(TimeSpan.FromSeconds(10));
        await writing;
        logger.LogInformation("Worker {Worker} stopped", worker.Id);
    }

    private async Task WaitForWorkAsync(DispatcherOptions settings, CancellationToken stoppingToken)
    {
        if (wakeUp.Signal.IsSet)
        {
            // New work was announced while we claimed: claim again at once. Under a steady stream of events this
            // saves the next-due query on every cycle: a wake-up costs the claim alone.
            await wakeUp.Signal.WaitAsync(TimeSpan.Zero, stoppingToken);
            return;
        }
        var wait = settings.PollInterval;
        try
        {
            if (await store.NextDueAsync(stoppingToken) is { } due)
            {
                var untilDue = due - time.GetUtcNow();
                wait = untilDue < wait ? untilDue : wait;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogDebug("Next-due lookup failed: {Message}", ex.Message);
        }
        await wakeUp.Signal.WaitAsync(wait < MinimumIdleWait ? MinimumIdleWait : wait, stoppingToken);
    }

    /// <summary>Sends what the gate lets through; gives back, unsent and due later, what it defers or holds.</summary>
    private async Task StartAsync(IReadOnlyList<ClaimedDelivery> claimed, CancellationToken stoppingToken)
    {
        foreach (var (delivery, decision, wait, lateTolerance, slotAt) in await gate.AdmitAsync(claimed, stoppingToken))
        {
            switch (decision)
            {
                case GateDecision.Send:
                    Interlocked.Increment(ref _inFlight);
                    _ = ProcessAsync(delivery, lateTolerance, slotAt);
                    break;
                case GateDecision.Defer:
                    writer.Enqueue(OutcomeClassifier.Deferred(delivery, wait, time.GetUtcNow()));
                    break;
                case GateDecision.Hold:
                    var held = OutcomeClassifier.Held(delivery, time.GetUtcNow());
                    writer.Enqueue(held);
                    AttemptLog.Held(logger, delivery);
                    break;
            }
        }
    }

    /// <param name="lateTolerance">Set for a paced send: it waits for its slot, and gives the slot up if it would start later than this after it.</param>
    private async Task ProcessAsync(ClaimedDelivery delivery, TimeSpan? lateTolerance, long slotAt)
    {
        try
        {
            if (lateTolerance is { } tolerance)
            {
                // The lease covers the wait: the pace horizon is far shorter than any lease.
                var untilSlot = -time.GetElapsedTime(slotAt);
                if (untilSlot > TimeSpan.Zero)
                {
                    await Task.Delay(untilSlot, time, _abandonSends.Token);
                }
                if (time.GetElapsedTime(slotAt) > tolerance)
                {
                    writer.Enqueue(OutcomeClassifier.Deferred(delivery, TimeSpan.Zero, time.GetUtcNow()));
                    DispatcherTelemetry.SlotsMissed.Add(1);
                    return;
                }
            }

            using var activity = WebhookSender.StartAttemptActivity(delivery);
            var result = await sender.SendAsync(delivery, _abandonSends.Token);
            var outcome = classifier.Classify(delivery, result);
            writer.Enqueue(outcome);
            Record(delivery, result, outcome);

            if (outcome.EndpointGone && delivery.EndpointId is { } endpointId)
            {
                await endpoints.DisableAsync(endpointId, "The endpoint answered 410 Gone.");
                logger.LogWarning("Endpoint {Endpoint} of merchant {Merchant} answered 410 Gone and is disabled", endpointId, delivery.MerchantId);
            }
        }
        catch (OperationCanceledException) when (_abandonSends.IsCancellationRequested)
        {
            writer.Enqueue(OutcomeClassifier.Released(delivery, time.GetUtcNow()));
        }
        catch (Exception ex)
        {
            // Nothing may escape a delivery task: log it and let the lease expire, so the delivery is retried.
            logger.LogError(ex, "Delivery {Delivery} failed unexpectedly; it will be retried when its lease expires", delivery.Id);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _capacity.Set();
        }
    }

    private void Record(ClaimedDelivery delivery, AttemptResult result, DeliveryOutcome outcome)
    {
        if (!outcome.Attempted)
        {
            return;
        }
        var kind = AttemptOutcome.Of(result.IsSuccess, outcome.Status == DeliveryStatus.Dead, answered: result.StatusCode is not null);
        DispatcherTelemetry.Attempts.Add(1, new KeyValuePair<string, object?>("outcome", kind));
        DispatcherTelemetry.AttemptDuration.Record(result.DurationMs, new KeyValuePair<string, object?>("outcome", kind));
        if (result.IsSuccess)
        {
            DispatcherTelemetry.IngestToDelivery.Record((time.GetUtcNow() - delivery.EventCreatedAt).TotalMilliseconds);
        }
        AttemptLog.Write(logger, delivery, result, outcome);
    }

    /// <summary>Waits for attempts in flight, up to the grace period; then cancels the rest, which are released.</summary>
    private async Task DrainAsync(TimeSpan grace)
    {
        var deadline = Stopwatch.StartNew();
        if (InFlight > 0)
        {
            logger.LogInformation("Stopping: waiting up to {Grace} for {Count} attempts in flight", grace, InFlight);
        }
        while (InFlight > 0 && deadline.Elapsed < grace)
        {
            await _capacity.WaitAsync(grace - deadline.Elapsed, CancellationToken.None);
        }
        if (InFlight > 0)
        {
            logger.LogWarning("Grace period over: releasing {Count} deliveries still in flight", InFlight);
            await _abandonSends.CancelAsync();
            while (InFlight > 0)
            {
                await _capacity.WaitAsync(TimeSpan.FromMilliseconds(100), CancellationToken.None);
            }
        }
    }

    public override void Dispose()
    {
        _abandonSends.Dispose();
        base.Dispose();
    }
}

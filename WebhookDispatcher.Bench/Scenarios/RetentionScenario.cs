using System.Collections.Concurrent;
using System.Diagnostics;
using WebhookDispatcher.Bench.Load;
using WebhookDispatcher.Bench.Reporting;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Bench.Scenarios;

/// <summary>
/// Retention under load: events offered at a fixed rate (open loop) to the Api with one Worker delivering, while
/// retention cycles run every second with a period of a few seconds, each exactly as the Worker's RetentionService
/// runs one (<see cref="EventStore.DeleteExpiredAsync"/> in batches until a batch comes back short). The sizes on
/// disk of the three tables with their indexes are sampled every cycle: bounded means the last third of the run is
/// no bigger than the middle third, while every event still arrives. Dead rows are given back by autovacuum (its
/// default naptime is a minute), so the short run shows the cycles working, the full run the sizes levelling off.
/// </summary>
public static class RetentionScenario
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);
    private const int RetentionBatch = 1000;
    private static readonly string[] Tables = ["events", "deliveries", "delivery_attempts"];

    public static async Task<RetentionRun> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var rate = context.Plan.RetentionRate;
        var duration = context.Plan.RetentionDuration;
        await context.Database.ResetAsync(cancellationToken);
        await context.System.ScaleWorkersAsync(1, cancellationToken);
        context.Receiver.Reset();
        using var api = context.CreateApiClient(64);
        var store = context.Database.Events;
        var accepted = new ConcurrentBag<Guid>();
        var sends = new ConcurrentBag<Task>();
        long offered = 0, removed = 0, cycles = 0;
        var samples = new List<(double At, long Bytes)>();
        var meter = await CostMeter.StartAsync(context, cancellationToken);
        var clock = Stopwatch.StartNew();

        var retention = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            while (await timer.WaitForNextTickAsync(cancellationToken) && clock.Elapsed < duration)
            {
                int batch;
                do
                {
                    batch = await store.DeleteExpiredAsync(DateTimeOffset.UtcNow - Period, RetentionBatch, cancellationToken);
                    Interlocked.Add(ref removed, batch);
                }
                while (batch == RetentionBatch);
                Interlocked.Increment(ref cycles);
                long bytes = 0;
                foreach (var table in Tables)
                {
                    bytes += await context.Database.TotalSizeAsync(table, cancellationToken);
                }
                lock (samples)
                {
                    samples.Add((clock.Elapsed.TotalSeconds, bytes));
                }
            }
        }, cancellationToken);

        await using (new LiveProgress($"retention at {rate:N0}/s", _ =>
            $"offered {Interlocked.Read(ref offered),7:N0}  arrived {context.Receiver.Received,7:N0}  cycles {Interlocked.Read(ref cycles)}  removed {Interlocked.Read(ref removed),7:N0}  {(samples.Count == 0 ? 0 : samples[^1].Bytes) / 1048576.0,6:N1} MiB"))
        {
            while (clock.Elapsed < duration)
            {
                var due = (long)(clock.Elapsed.TotalSeconds * rate);
                while (offered < due)
                {
                    var n = offered++;
                    sends.Add(Task.Run(async () =>
                    {
                        try
                        {
                            if (await api.PostEventAsync(ApiClient.PaymentEvent(n), cancellationToken: cancellationToken) is { } id)
                            {
                                accepted.Add(id);
                            }
                        }
                        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                        {
                        }
                    }, cancellationToken));
                }
                await Task.Delay(1, cancellationToken);
            }
            await Task.WhenAll(sends);
            await retention;
            var wait = Stopwatch.StartNew();
            while (context.Receiver.Received < accepted.Count && wait.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(50, cancellationToken);
            }
        }
        await meter.StopAsync(cancellationToken);
        var cost = await meter.CostAsync(accepted.Count, cancellationToken);
        var (middle, last, bounded) = Thirds(samples);
        return new RetentionRun(rate, Math.Round(duration.TotalSeconds, 1), Period.TotalSeconds, offered, accepted.Count, context.Receiver.Received,
            cycles, removed, middle, last, samples.Count == 0 ? 0 : samples.Max(s => s.Bytes),
            Bounded: bounded,
            KeptUp: context.Receiver.Received >= accepted.Count, cost);
    }

    /// <summary>
    /// The largest size in the middle and in the last third of the time the cycles ran over (a cycle can take longer
    /// than its second on a busy machine); bounded when each third has samples and the last is at most 10% above the middle.
    /// </summary>
    internal static (long Middle, long Last, bool Bounded) Thirds(IReadOnlyList<(double At, long Bytes)> samples)
    {
        var end = samples.Count == 0 ? 0 : samples[^1].At;
        var middle = samples.Where(s => s.At >= end / 3 && s.At < 2 * end / 3).Select(s => s.Bytes).ToList();
        var last = samples.Where(s => s.At >= 2 * end / 3).Select(s => s.Bytes).ToList();
        var middleMax = middle.DefaultIfEmpty(0).Max();
        var lastMax = last.DefaultIfEmpty(0).Max();
        return (middleMax, lastMax, middle.Count >= 2 && last.Count >= 2 && lastMax <= middleMax * 1.1);
    }
}

using System.Diagnostics;
using WebhookDispatcher.Bench.Load;
using WebhookDispatcher.Bench.Reporting;
using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Bench.Scenarios;

/// <summary>
/// The database's ceiling for the drain: the Worker's own SQL (<see cref="DeliveryQueue.ClaimAsync"/> and
/// <see cref="DeliveryQueue.RecordOutcomesAsync"/>, on a data source tuned as the Worker's) run in a loop without
/// HTTP, on the same backlog the drain gets: claim a batch, record every claimed delivery delivered with its
/// attempt, again, until none is due. Two loops side by side, as the Worker claims while it writes outcomes. Every
/// claim is timed: its p99 is the claim latency the history scenario compares.
/// </summary>
public static class DrainCeilingScenario
{
    private const int Loops = 2;

    /// <param name="reset">Empty the tables first (the history scenario keeps its history and says false).</param>
    public static async Task<DrainCeiling> RunAsync(BenchContext context, bool reset, CancellationToken cancellationToken)
    {
        var deliveries = context.Plan.DrainDeliveries;
        var batchSize = new DispatcherOptions().BatchSize;
        await context.System.ScaleWorkersAsync(0, cancellationToken);
        if (reset)
        {
            await context.Database.ResetAsync(cancellationToken);
        }
        await context.Database.SeedAsync(deliveries, BenchContext.PaymentData, cancellationToken);

        var store = new DeliveryQueue(context.Database.DataSource);
        var claims = new Latency();
        var outcomes = new Latency();
        long done = 0;
        var meter = await CostMeter.StartAsync(context, cancellationToken);
        var clock = Stopwatch.StartNew();
        await using (new LiveProgress("drain: database ceiling", elapsed => $"{Interlocked.Read(ref done),9:N0}/{deliveries:N0}  {Interlocked.Read(ref done) / Math.Max(0.001, elapsed.TotalSeconds),9:N0}/s"))
        {
            await Task.WhenAll(Enumerable.Range(0, Loops).Select(loop => Task.Run(async () =>
            {
                var worker = $"bench-ceiling-{loop}";
                while (!cancellationToken.IsCancellationRequested)
                {
                    var start = Stopwatch.GetTimestamp();
                    var claimed = await store.ClaimAsync(batchSize, worker, TimeSpan.FromMinutes(5), cancellationToken: cancellationToken);
                    claims.RecordTimestamps(start, Stopwatch.GetTimestamp());
                    if (claimed.Count == 0)
                    {
                        return;
                    }
                    var now = DateTimeOffset.UtcNow;
                    var results = claimed.Select(c => new DeliveryOutcome(c.Id, c.AttemptCount, DeliveryStatus.Delivered, TimeSpan.Zero, true, 200, null, now, 1.0)).ToList();
                    start = Stopwatch.GetTimestamp();
                    await store.RecordOutcomesAsync(results, worker, cancellationToken);
                    outcomes.RecordTimestamps(start, Stopwatch.GetTimestamp());
                    Interlocked.Add(ref done, claimed.Count);
                }
            }, cancellationToken)));
        }
        var elapsed = clock.Elapsed;
        await meter.StopAsync(cancellationToken);
        var delivered = await context.Database.DeliveredAsync(cancellationToken);
        var cost = await meter.CostAsync(done, cancellationToken);
        return new DrainCeiling(Loops, batchSize, deliveries, Math.Round(done / elapsed.TotalSeconds, 1), delivered, claims.Summarize(), outcomes.Summarize(), cost);
    }
}

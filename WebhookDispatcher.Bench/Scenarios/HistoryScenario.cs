using System.Diagnostics;
using WebhookDispatcher.Bench.Load;
using WebhookDispatcher.Bench.Reporting;

namespace WebhookDispatcher.Bench.Scenarios;

/// <summary>
/// Does history slow the queue? Loads N delivered deliveries, each with its event and one attempt (months of work,
/// in SQL: INSERT … SELECT generate_series, vacuumed and analyzed afterwards as autovacuum would have by then, and
/// checkpointed), then
/// runs the database ceiling's claim loop and a drain with one Worker on a backlog of the drain's size. Compared
/// with the same two on empty tables (the drain scenario's): the drain's rate and the claim's p99.
/// </summary>
public static class HistoryScenario
{
    private const int Chunk = 1_000_000;

    public static async Task<HistoryRun> RunAsync(BenchContext context, double receiverCeiling, DrainCeiling emptyCeiling, DrainRun emptyDrain, CancellationToken cancellationToken)
    {
        var history = context.Plan.HistoryDeliveries;
        await context.System.ScaleWorkersAsync(0, cancellationToken);
        await context.Database.ResetAsync(cancellationToken);
        var loading = Stopwatch.StartNew();
        await using (new LiveProgress("history: loading", elapsed => $"{history:N0} delivered deliveries with events and attempts"))
        {
            for (long from = 1; from <= history; from += Chunk)
            {
                await context.Database.LoadHistoryAsync(from, Math.Min(history, from + Chunk - 1), cancellationToken);
            }
            await context.Database.ExecuteAsync("VACUUM (ANALYZE) events, deliveries, delivery_attempts", cancellationToken);
            // Months-old history is on disk long since: without this the measured drains paid for writing out the load
            // (the checkpointer's CPU is PostgreSQL's, and the first change to each page after a checkpoint logs the whole
            // page: 9,567 WAL bytes per delivery in the ceiling loop right after a 10,000,000-row load, 1,214 without).
            await context.Database.ExecuteAsync("CHECKPOINT", cancellationToken);
        }
        var sizes = await context.Database.TotalSizeAsync("events", cancellationToken) + await context.Database.TotalSizeAsync("deliveries", cancellationToken)
            + await context.Database.TotalSizeAsync("delivery_attempts", cancellationToken);
        Console.WriteLine($"    loaded {history:N0} delivered deliveries in {loading.Elapsed.TotalSeconds:0.0} s ({sizes / 1048576.0:N0} MiB with indexes)");

        var ceiling = await DrainCeilingScenario.RunAsync(context, reset: false, cancellationToken);
        var drain = await DrainScenario.RunAsync(context, 1, receiverCeiling, cancellationToken, keepTables: true);
        return new HistoryRun(history, Math.Round(loading.Elapsed.TotalSeconds, 1), sizes, ceiling, drain,
            IngestScenario.Ratio(drain.PerS, emptyDrain.PerS),
            emptyCeiling.Claim.P99Ms <= 0 ? 0 : Math.Round(ceiling.Claim.P99Ms / emptyCeiling.Claim.P99Ms, 3),
            IngestScenario.Ratio(ceiling.PerS, emptyCeiling.PerS));
    }
}

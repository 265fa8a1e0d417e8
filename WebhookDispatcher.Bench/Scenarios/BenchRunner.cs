using System.Diagnostics;
using WebhookDispatcher.Bench.Hosting;
using WebhookDispatcher.Bench.Load;
using WebhookDispatcher.Bench.Reporting;
using WebhookDispatcher.Core;

namespace WebhookDispatcher.Bench.Scenarios;

/// <summary>Starts the system with the bench's receiver as the merchant, then runs every scenario in order.</summary>
public static class BenchRunner
{
    public static async Task<BenchReport> RunAsync(BenchPlan plan, string command, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var loadBefore = MachineFacts.LoadAverage();
        var defaults = new DispatcherOptions();
        var perEndpoint = Math.Min(defaults.MaxConcurrencyPerEndpoint, defaults.MaxConcurrency);

        await using var receiver = await ArrivalReceiver.StartAsync(recordIds: true, cancellationToken);
        var replicas = plan.ScaleOutWorkers.Append(1).Max();
        Console.WriteLine($"Starting the AppHost's app model: PostgreSQL, Redis, the Api, {replicas} Worker replica(s), the MockReceiver (idle); webhooks go to the bench's receiver at {receiver.Url} ...");
        await using var system = await AppHostSystem.StartAsync(new SystemSettings
        {
            DefaultTargetUrl = receiver.Url.ToString(),
            Workers = 0,
        }, replicas, cancellationToken);
        Console.WriteLine($"  up in {total.Elapsed.TotalSeconds:0.0} s");
        await using var database = new BenchDatabase(system.WebhooksConnectionString);
        var context = new BenchContext(system, receiver, database, plan, perEndpoint);

        Console.WriteLine("1. Ceilings: the receiver and the database, without the engine");
        var ceilings = await CeilingScenario.RunAsync(context, plan.Runs("ceilings") || plan.Runs("ingest"), cancellationToken);

        IReadOnlyList<IngestLevel> ingest = [];
        BatchIngest? batch = null;
        if (plan.Runs("ingest"))
        {
            Console.WriteLine("2. Ingest");
            ingest = await IngestScenario.RunSingleAsync(context, ceilings, cancellationToken);
            // The database's ceiling again, right before and after the Api's batches: the machine's load drifts, and
            // the ceiling is the best this run saw.
            var before = await CeilingScenario.DatabaseBatchAsync(context, cancellationToken);
            batch = await IngestScenario.RunBatchAsync(context, ceilings, cancellationToken);
            var after = await CeilingScenario.DatabaseBatchAsync(context, cancellationToken);
            await database.ResetAsync(cancellationToken);
            ceilings = ceilings with { DatabaseBatchPerS = new[] { ceilings.DatabaseBatchPerS, before, after }.Max() };
        }

        var drains = new List<DrainRun>();
        if (plan.Runs("drain"))
        {
            Console.WriteLine("3. Drain, and 4. scale-out");
            foreach (var workers in plan.ScaleOutWorkers)
            {
                drains.Add(await DrainScenario.RunAsync(context, workers, ceilings.ReceiverPerS, cancellationToken));
            }
        }

        DrainCeiling? drainCeiling = null;
        if (plan.Runs("drain"))
        {
            Console.WriteLine("   the database's ceiling for the drain: the Worker's claim and outcome SQL without HTTP");
            drainCeiling = await DrainCeilingScenario.RunAsync(context, reset: true, cancellationToken);
        }

        HistoryRun? history = null;
        if (plan.Runs("history") && plan.Runs("drain") && drains.FirstOrDefault(d => d.Workers == 1) is { } emptyDrain)
        {
            Console.WriteLine($"6. History: {plan.HistoryDeliveries:N0} delivered deliveries, then the drain and its database ceiling again");
            history = await HistoryScenario.RunAsync(context, ceilings.ReceiverPerS, drainCeiling!, emptyDrain, cancellationToken);
        }

        RetentionRun? retention = null;
        if (plan.Runs("retention"))
        {
            Console.WriteLine("7. Retention cycles under load");
            retention = await RetentionScenario.RunAsync(context, cancellationToken);
        }

        if (plan.Runs("drain"))
        {
            // The receiver's ceiling again, after the drains it is the limit of.
            var again = await CeilingScenario.ReceiverAsync(context, cancellationToken);
            if (again.UnitsPerSecond > ceilings.ReceiverPerS)
            {
                ceilings = ceilings with { ReceiverPerS = again.UnitsPerSecond, ReceiverLatency = again.Latency };
            }
        }

        var endToEnd = new List<EndToEndRun>();
        if (plan.Runs("e2e"))
        {
            Console.WriteLine("5. End to end");
            foreach (var rate in plan.EndToEndRates)
            {
                endToEnd.Add(await EndToEndScenario.RunAsync(context, rate, cancellationToken));
            }
        }
        await system.ScaleWorkersAsync(0, cancellationToken);

        // Every figure as a fraction of the best ceiling the run measured.
        ingest = [.. ingest.Select(l => l with { CeilingPerS = ceilings.DatabaseBatchPerS, CeilingRatio = IngestScenario.Ratio(l.EventsPerS, ceilings.DatabaseBatchPerS) })];
        batch = batch is null ? null : batch with { CeilingPerS = ceilings.DatabaseBatchPerS, CeilingRatio = IngestScenario.Ratio(batch.EventsPerS, ceilings.DatabaseBatchPerS) };
        drains = [.. drains.Select(d => d with
        {
            CeilingRatio = IngestScenario.Ratio(d.PerS, ceilings.ReceiverPerS),
            DatabaseCeilingRatio = IngestScenario.Ratio(d.PerS, drainCeiling?.PerS ?? 0),
        })];

        var bestIngest = ingest.MaxBy(l => l.EventsPerS) ?? new IngestLevel(0, 0, new LatencySummary(0, 0, 0, 0, 0, 0), 0, 0, 0, new Dictionary<string, double>());
        batch ??= new BatchIngest(0, 0, 0, new LatencySummary(0, 0, 0, 0, 0, 0), 0, 0, 0, new Dictionary<string, double>(), 0, 0);
        var headline = endToEnd.FirstOrDefault(e => e.OfferedPerS == BenchPlan.HeadlineRate) ?? endToEnd.LastOrDefault()
            ?? new EndToEndRun(0, 0, 0, 0, 0, 0, 0, new LatencySummary(0, 0, 0, 0, 0, 0), new LatencySummary(0, 0, 0, 0, 0, 0),
                new LatencySummary(0, 0, 0, 0, 0, 0), 0, 0, false, new Dictionary<string, double>(), 0);
        var oneWorker = drains.FirstOrDefault() ?? new DrainRun(0, 0, 0, 0, 0, 0, 0, 0, 0, new Dictionary<string, double>(), 0, 0, 0, 0);
        return new BenchReport
        {
            Date = DateTimeOffset.UtcNow,
            Mode = plan.Mode,
            Command = command,
            Machine = await MachineFacts.DescribeAsync(loadBefore, cancellationToken),
            Receiver = "in-process Kestrel receiver in the bench (always 200, verifies nothing, records arrival per webhook-id)",
            WorkerSettings = new Dictionary<string, string>
            {
                ["MaxConcurrency"] = defaults.MaxConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["MaxConcurrencyPerEndpoint"] = defaults.MaxConcurrencyPerEndpoint.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["BatchSize"] = defaults.BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            DrainPerS = oneWorker.PerS,
            DrainWarmPerS = oneWorker.WarmPerS,
            DrainCeilingPerS = ceilings.ReceiverPerS,
            DrainCeilingRatio = oneWorker.CeilingRatio,
            DrainDatabaseCeilingPerS = drainCeiling?.PerS ?? 0,
            DrainDatabaseCeilingRatio = oneWorker.DatabaseCeilingRatio,
            DrainEngineCpuUsPerDelivery = oneWorker.Cost?.EngineCpuUsPerUnit ?? 0,
            DrainWarmEngineCpuUsPerDelivery = oneWorker.WarmEngineCpuUsPerDelivery,
            DrainTransactionsPerDelivery = oneWorker.Cost?.TransactionsPerUnit ?? 0,
            DrainWalBytesPerDelivery = oneWorker.Cost?.WalBytesPerUnit ?? 0,
            IngestEngineCpuUsPerEvent = bestIngest.Cost?.EngineCpuUsPerUnit ?? 0,
            IngestTransactionsPerEvent = bestIngest.Cost?.TransactionsPerUnit ?? 0,
            IngestWalBytesPerEvent = bestIngest.Cost?.WalBytesPerUnit ?? 0,
            IngestBatchEngineCpuUsPerEvent = batch.Cost?.EngineCpuUsPerUnit ?? 0,
            HistoryDrainRatio = history?.DrainRatio ?? 0,
            HistoryClaimP99Ratio = history?.ClaimP99Ratio ?? 0,
            RetentionBounded = retention?.Bounded ?? false,
            DrainDatabaseCeiling = drainCeiling,
            History = history,
            Retention = retention,
            IngestPerS = bestIngest.EventsPerS,
            IngestCeilingPerS = bestIngest.CeilingPerS ?? 0,
            IngestCeilingRatio = bestIngest.CeilingRatio ?? 0,
            IngestBatchPerS = batch.EventsPerS,
            IngestBatchCeilingPerS = batch.CeilingPerS,
            IngestBatchCeilingRatio = batch.CeilingRatio,
            E2eP50Ms = headline.FromAck.P50Ms,
            E2eP95Ms = headline.FromAck.P95Ms,
            E2eP99Ms = headline.FromAck.P99Ms,
            E2eMaxMs = headline.FromAck.MaxMs,
            E2eOfferedPerS = headline.OfferedPerS,
            Ceilings = ceilings,
            Ingest = ingest,
            IngestBatch = batch,
            Drain = drains,
            EndToEnd = endToEnd,
            ElapsedS = Math.Round(total.Elapsed.TotalSeconds, 1),
        };
    }
}

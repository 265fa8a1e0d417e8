using System.Collections.Concurrent;
using WebhookDispatcher.Bench.Load;
using WebhookDispatcher.Bench.Reporting;

namespace WebhookDispatcher.Bench.Scenarios;

/// <summary>
/// POST /events as fast as the Api answers, at several connection counts, then POST /events/batch; no Worker runs.
/// Afterwards every event the Api acknowledged is looked up in the database: a 202 must mean stored. Both are
/// fractions of the database's best rate for the same INSERT statement without HTTP (1,000 events a statement):
/// the Api commits concurrent single events together, so one event per commit is not its limit. The Api is a fresh
/// process: before anything is measured it takes single events and batches, untimed, for one ingest period, because a
/// profile of its first six seconds found 60% of its CPU in the JIT and the runtime's type loading, not in ingestion.
/// </summary>
public static class IngestScenario
{
    public const int BatchSize = 1000;

    public static async Task<IReadOnlyList<IngestLevel>> RunSingleAsync(BenchContext context, Ceilings ceilings, CancellationToken cancellationToken)
    {
        await WarmUpAsync(context, cancellationToken);
        var levels = new List<IngestLevel>();
        foreach (var connections in context.Plan.IngestConnections)
        {
            using var api = context.CreateApiClient(connections);
            var accepted = new ConcurrentBag<Guid>();
            var meter = await CostMeter.StartAsync(context, cancellationToken);
            var statements = context.Database.Statements;
            await statements.ResetAsync(cancellationToken);
            var cpu = context.CpuSnapshot();
            var result = await ClosedLoop.RunAsync(connections, context.Plan.IngestDuration, async (n, ct) =>
            {
                if (await api.PostEventAsync(ApiClient.PaymentEvent(n), cancellationToken: ct) is not { } id)
                {
                    return 0;
                }
                accepted.Add(id);
                return 1;
            }, $"ingest: POST /events", cancellationToken);
            var cores = Hosting.ProcessCpu.CoresUsed(cpu, context.CpuSnapshot(), result.Elapsed);
            await meter.StopAsync(cancellationToken);
            StatementStatistics.Print(await statements.TopAsync(6, cancellationToken), result.Units, "event");
            var cost = await meter.CostAsync(result.Units, cancellationToken);
            var verified = await context.Database.CountStoredAsync(accepted, cancellationToken);
            // The ceiling is the database's best rate for the same statement: batched, as the Api batches it.
            var ceiling = ceilings.DatabaseBatchPerS;
            levels.Add(new IngestLevel(connections, result.UnitsPerSecond, result.Latency, result.Units, result.Failures, verified, cores,
                ceiling, Ratio(result.UnitsPerSecond, ceiling), cost));
            await context.Database.ResetAsync(cancellationToken);
        }
        return levels;
    }

    private static async Task WarmUpAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var connections = context.Plan.IngestConnections.Max();
        using var api = context.CreateApiClient(connections);
        await ClosedLoop.RunAsync(connections, context.Plan.IngestDuration, async (n, ct) =>
        {
            if (n % 64 == 0)
            {
                var events = Enumerable.Range(0, 100).Select(i => ApiClient.PaymentEvent(n * 100 + i)).ToArray();
                return await api.PostBatchAsync(events, ct) is { } ids ? ids.Count : 0;
            }
            return await api.PostEventAsync(ApiClient.PaymentEvent(n), cancellationToken: ct) is null ? 0 : 1;
        }, "ingest: warming the Api up (untimed)", cancellationToken);
        await context.Database.ResetAsync(cancellationToken);
    }

    public static async Task<BatchIngest> RunBatchAsync(BenchContext context, Ceilings ceilings, CancellationToken cancellationToken)
    {
        var clients = context.Plan.BatchClients;
        using var api = context.CreateApiClient(clients);
        var accepted = new ConcurrentBag<Guid>();
        var meter = await CostMeter.StartAsync(context, cancellationToken);
        var cpu = context.CpuSnapshot();
        var result = await ClosedLoop.RunAsync(clients, context.Plan.IngestDuration, async (n, ct) =>
        {
            var events = new string[BatchSize];
            for (var i = 0; i < BatchSize; i++)
            {
                events[i] = ApiClient.PaymentEvent(n * BatchSize + i);
            }
            if (await api.PostBatchAsync(events, ct) is not { } ids)
            {
                return 0;
            }
            foreach (var id in ids)
            {
                accepted.Add(id);
            }
            return ids.Count;
        }, $"ingest: POST /events/batch", cancellationToken);
        var cores = Hosting.ProcessCpu.CoresUsed(cpu, context.CpuSnapshot(), result.Elapsed);
        await meter.StopAsync(cancellationToken);
        var cost = await meter.CostAsync(result.Units, cancellationToken);
        var verified = await context.Database.CountStoredAsync(accepted, cancellationToken);
        await context.Database.ResetAsync(cancellationToken);
        return new BatchIngest(clients, BatchSize, result.UnitsPerSecond, result.Latency, result.Units, result.Failures, verified, cores,
            ceilings.DatabaseBatchPerS, Ratio(result.UnitsPerSecond, ceilings.DatabaseBatchPerS), cost);
    }

    public static double Ratio(double value, double ceiling) => ceiling <= 0 ? 0 : Math.Round(value / ceiling, 3);
}

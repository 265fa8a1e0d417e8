using System.Diagnostics;
using WebhookDispatcher.Bench.Load;
using WebhookDispatcher.Bench.Reporting;

namespace WebhookDispatcher.Bench.Scenarios;

/// <summary>
/// With N deliveries already stored and no Worker running, start W Workers and time until every delivery is
/// recorded delivered. The rate is over the window from the first webhook's arrival to the last outcome written,
/// so process start-up (not the engine's) is left out; the wall time including start-up is reported beside it.
/// Fresh processes spend the first seconds compiling (a fifth of a Worker's CPU went to the JIT in a 13 s drain),
/// so the rate of the last 80% of the deliveries, warmed up, and the engine's CPU per delivery over them are reported too.
/// </summary>
public static class DrainScenario
{
    /// <param name="keepTables">Store the backlog beside what the tables hold (the history scenario's delivered rows) instead of emptying them first.</param>
    public static async Task<DrainRun> RunAsync(BenchContext context, int workers, double receiverCeiling, CancellationToken cancellationToken,
        bool keepTables = false)
    {
        var deliveries = context.Plan.DrainDeliveries;
        await context.System.ScaleWorkersAsync(0, cancellationToken);
        if (!keepTables)
        {
            await context.Database.ResetAsync(cancellationToken);
        }
        context.Receiver.Reset();
        await DrainTargets.PrepareAsync(context, cancellationToken);

        var seeding = Stopwatch.StartNew();
        await using (new LiveProgress($"drain: seeding", _ => $"storing {deliveries:N0} events"))
        {
            await context.Database.SeedAsync(deliveries, BenchContext.PaymentData, cancellationToken);
        }
        Console.WriteLine($"    stored {deliveries:N0} pending deliveries in {seeding.Elapsed.TotalSeconds:0.0} s");

        var meter = await CostMeter.StartAsync(context, cancellationToken);
        var statements = context.Database.Statements;
        await statements.ResetAsync(cancellationToken);
        var transactionsBefore = await context.Database.TransactionsAsync(cancellationToken);
        long lockWaiting = 0, lwlockWaiting = 0, samples = 0;
        var lastCount = TimeSpan.Zero;
        var wall = Stopwatch.StartNew();
        var starting = context.System.ScaleWorkersAsync(workers, cancellationToken);
        Dictionary<string, Dictionary<int, double>>? cpuBefore = null;
        // From the fifth of the deliveries on, the Worker has compiled its pipeline: the warm window's own CPU.
        var warmFrom = deliveries / 5;
        Dictionary<string, Dictionary<int, double>>? cpuWarm = null;
        long receivedWarm = 0;
        long outstanding = deliveries;
        await using (new LiveProgress($"drain: {workers} worker(s)", elapsed =>
        {
            var received = context.Receiver.Received;
            var window = context.Receiver.FirstTimestamp == 0 ? 0 : Stopwatch.GetElapsedTime(context.Receiver.FirstTimestamp).TotalSeconds;
            return $"arrived {received,8:N0}/{deliveries:N0}  {(window > 0 ? received / window : 0),8:N0}/s  outstanding {Interlocked.Read(ref outstanding),8:N0}";
        }))
        {
            var deadline = TimeSpan.FromMinutes(5);
            while (true)
            {
                if (cpuBefore is null && context.Receiver.Received > 0)
                {
                    cpuBefore = context.CpuSnapshot();
                    meter.RestartCpu();
                }
                if (cpuWarm is null && context.Receiver.Received >= warmFrom)
                {
                    cpuWarm = context.CpuSnapshot();
                    receivedWarm = context.Receiver.Received;
                }
                if (cpuBefore is not null)
                {
                    // Sampled ten times a second: how many backends wait on a lock while the Workers drain.
                    var (locks, lwlocks) = await context.Database.WaitingBackendsAsync(cancellationToken);
                    lockWaiting += locks;
                    lwlockWaiting += lwlocks;
                    samples++;
                }
                // Counting what is outstanding reads every due row: ten times a second only once the receiver has
                // seen them all, otherwise every two seconds (a delivery can be recorded without reaching it), so the
                // bench's own query is not what PostgreSQL spends its CPU on.
                if (context.Receiver.Received >= deliveries || (starting.IsCompleted && wall.Elapsed - lastCount > TimeSpan.FromSeconds(2)))
                {
                    lastCount = wall.Elapsed;
                    Interlocked.Exchange(ref outstanding, await context.Database.OutstandingAsync(cancellationToken));
                    if (outstanding == 0)
                    {
                        break;
                    }
                }
                if (wall.Elapsed > deadline)
                {
                    throw new TimeoutException($"Drain with {workers} worker(s) did not finish in {deadline}: {outstanding} outstanding.");
                }
                await Task.Delay(cpuBefore is null ? 20 : 100, cancellationToken);
            }
        }
        var end = Stopwatch.GetTimestamp();
        var cpuAfter = context.CpuSnapshot();
        await meter.StopAsync(cancellationToken);
        await starting;
        var window = Stopwatch.GetElapsedTime(context.Receiver.FirstTimestamp, end);
        var delivered = deliveries - await context.Database.OutstandingAsync(cancellationToken);
        var perS = Math.Round(delivered / window.TotalSeconds, 1);
        StatementStatistics.Print(await statements.TopAsync(5, cancellationToken), delivered, "delivery");
        var (attemptP50, attemptP99) = await context.Database.AttemptDurationsAsync(cancellationToken);
        var cost = await meter.CostAsync(delivered, cancellationToken);
        // Counts the bench's own progress queries too (a few a second): an upper bound.
        var transactions = await context.Database.TransactionsAsync(cancellationToken) - transactionsBefore;
        var warmWindow = Stopwatch.GetElapsedTime(context.Receiver.NthArrival(warmFrom), end);
        var warmPerS = Math.Round((deliveries - warmFrom) / warmWindow.TotalSeconds, 1);
        return new DrainRun(workers, deliveries, perS, warmPerS, Math.Round(window.TotalSeconds, 2), Math.Round(wall.Elapsed.TotalSeconds, 2),
            delivered, context.Receiver.Received, context.Receiver.Duplicates,
            Hosting.ProcessCpu.CoresUsed(cpuBefore ?? cpuAfter, cpuAfter, window), IngestScenario.Ratio(perS, receiverCeiling), attemptP50, attemptP99,
            Math.Round(transactions / (double)Math.Max(1, delivered), 3), cost,
            Math.Round(lockWaiting / (double)Math.Max(1, samples), 2), Math.Round(lwlockWaiting / (double)Math.Max(1, samples), 2),
            WarmEngineCpuUsPerDelivery: cpuWarm is null ? 0
                : UnitCost.From(Hosting.ProcessCpu.CpuSeconds(cpuWarm, cpuAfter), delivered - receivedWarm, 0, 0).EngineCpuUsPerUnit);
    }
}

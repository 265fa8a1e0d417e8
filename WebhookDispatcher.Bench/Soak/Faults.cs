using System.Diagnostics;
using WebhookDispatcher.Bench.Hosting;

namespace WebhookDispatcher.Bench.Soak;

public enum FaultKind
{
    WorkerKill,
    ApiKill,
    RedisOutage,
    PostgresRestart,
    ReceiverRefusing,
}

/// <summary>One fault on the schedule: what, when (seconds into the submission), and for how long it lasts.</summary>
public sealed record PlannedFault(FaultKind Kind, double AtSeconds, int Target);

/// <summary>A fault as it happened: when it began and was lifted, and how long until the system worked again.</summary>
public sealed record FaultRecord(FaultKind Kind, string Detail, double AtS, double DownS, double? RecoveryS);

/// <summary>
/// The seeded fault schedule: the same seed gives the same faults at the same moments. Faults run one at a time,
/// in order; each is lifted (process restarted, Redis back, listener open again) before the next begins.
/// </summary>
public static class FaultSchedule
{
    /// <summary>How long a killed process stays down before it is started again.</summary>
    public static readonly TimeSpan KilledFor = TimeSpan.FromSeconds(2);

    public static IReadOnlyList<PlannedFault> Plan(SoakPlan plan, int seed, int workers)
    {
        var random = new Random(seed);
        var kinds = new List<FaultKind>();
        kinds.AddRange(Enumerable.Repeat(FaultKind.WorkerKill, plan.WorkerKills));
        kinds.AddRange(Enumerable.Repeat(FaultKind.ApiKill, plan.ApiKills));
        kinds.Add(FaultKind.RedisOutage);
        kinds.Add(FaultKind.PostgresRestart);
        kinds.AddRange(Enumerable.Repeat(FaultKind.ReceiverRefusing, plan.ReceiverOutages));
        // Shuffle, then space them over the submission: each in its own slot, at a random point in its first half.
        var order = kinds.OrderBy(_ => random.Next()).ToList();
        var window = plan.SubmitFor.TotalSeconds * 0.85;
        var slot = window / order.Count;
        return [.. order.Select((kind, i) => new PlannedFault(kind, Math.Round(5 + i * slot + random.NextDouble() * slot * 0.5, 1), random.Next(workers)))];
    }

    /// <summary>Does the fault and lifts it; returns what was done and when it was lifted.</summary>
    public static async Task<(string Detail, long LiftedAt)> InjectAsync(PlannedFault fault, ISystemUnderTest system, ChaosProxy proxy, SoakPlan plan,
        CancellationToken cancellationToken)
    {
        switch (fault.Kind)
        {
            case FaultKind.WorkerKill:
                await system.KillWorkerAsync(fault.Target);
                await Task.Delay(KilledFor, cancellationToken);
                await system.StartWorkerAsync(fault.Target, cancellationToken);
                return ($"SIGKILL worker-{fault.Target}, restarted after {KilledFor.TotalSeconds:0} s", Stopwatch.GetTimestamp());

            case FaultKind.ApiKill:
                await system.KillApiAsync();
                await Task.Delay(KilledFor, cancellationToken);
                await system.StartApiAsync(cancellationToken);
                return ($"SIGKILL api, restarted after {KilledFor.TotalSeconds:0} s", Stopwatch.GetTimestamp());

            case FaultKind.RedisOutage:
                await system.StopRedisAsync();
                await Task.Delay(plan.RedisOutage, cancellationToken);
                await system.StartRedisAsync(cancellationToken);
                return ($"Redis stopped for {plan.RedisOutage.TotalSeconds:0} s", Stopwatch.GetTimestamp());

            case FaultKind.PostgresRestart:
                await system.RestartPostgresAsync(cancellationToken);
                return ("PostgreSQL restarted (fast shutdown)", Stopwatch.GetTimestamp());

            case FaultKind.ReceiverRefusing:
                await proxy.RefuseAsync();
                await Task.Delay(plan.ReceiverOutage, cancellationToken);
                proxy.Accept();
                return ($"receiver refused connections for {plan.ReceiverOutage.TotalSeconds:0} s", Stopwatch.GetTimestamp());

            default:
                throw new ArgumentOutOfRangeException(nameof(fault));
        }
    }
}

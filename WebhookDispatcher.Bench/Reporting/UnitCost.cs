namespace WebhookDispatcher.Bench.Reporting;

/// <summary>
/// What one unit of a scenario's work (a delivery, an ingested event) cost, in figures that hold on a busy machine:
/// CPU microseconds summed over the engine's own processes (the Api, the Worker(s), PostgreSQL with all its
/// backends, Redis), the same per process, with the bench (its receiver and load generator, one process) and the
/// idle MockReceiver apart; PostgreSQL transactions and WAL bytes.
/// </summary>
/// <param name="CpuUsPerUnitByRole">Every process role, the engine's and the others', in CPU µs per unit.</param>
public sealed record UnitCost(
    double EngineCpuUsPerUnit,
    double BenchCpuUsPerUnit,
    IReadOnlyDictionary<string, double> CpuUsPerUnitByRole,
    double TransactionsPerUnit,
    double WalBytesPerUnit)
{
    /// <summary>The engine's processes: what a production deployment runs.</summary>
    public static readonly IReadOnlySet<string> EngineRoles = new HashSet<string> { "api", "worker", "postgres", "redis" };

    public static UnitCost From(IReadOnlyDictionary<string, double> cpuSeconds, long units, long transactions, long walBytes)
    {
        var per = Math.Max(1, units);
        var byRole = cpuSeconds.ToDictionary(c => c.Key, c => Math.Round(c.Value * 1e6 / per, 1));
        return new UnitCost(
            Math.Round(cpuSeconds.Where(c => EngineRoles.Contains(c.Key)).Sum(c => c.Value) * 1e6 / per, 1),
            byRole.GetValueOrDefault("bench"),
            byRole,
            Math.Round(transactions / (double)per, 4),
            Math.Round(walBytes / (double)per, 1));
    }

    public static UnitCost None { get; } = new(0, 0, new Dictionary<string, double>(), 0, 0);

    public override string ToString() =>
        $"engine {EngineCpuUsPerUnit:0} µs CPU ({string.Join(", ", CpuUsPerUnitByRole.Where(r => EngineRoles.Contains(r.Key) && r.Value > 0).Select(r => $"{r.Key} {r.Value:0}"))}), " +
        $"bench {BenchCpuUsPerUnit:0} µs apart; {TransactionsPerUnit:0.###} transactions, {WalBytesPerUnit:N0} WAL bytes";
}

namespace WebhookDispatcher.Bench;

/// <summary>How much of each scenario a run does: the full run (its history scenario loads 10,000,000 delivered rows, which alone takes tens of minutes here), --quick (a few minutes), or the smoke test's tiny one.</summary>
public sealed record BenchPlan(
    string Mode,
    TimeSpan CeilingDuration,
    IReadOnlyList<int> IngestConnections,
    TimeSpan IngestDuration,
    int BatchClients,
    int DrainDeliveries,
    IReadOnlyList<int> ScaleOutWorkers,
    IReadOnlyList<int> EndToEndRates,
    TimeSpan EndToEndDuration,
    long HistoryDeliveries,
    int RetentionRate,
    TimeSpan RetentionDuration)
{
    /// <summary>The offered rate whose latency is the headline (the target is stated at 1,000/s).</summary>
    public const int HeadlineRate = 1000;

    public static readonly IReadOnlyList<string> AllScenarios = ["ceilings", "ingest", "drain", "history", "retention", "e2e"];

    /// <summary>The scenarios to run (a partial run still measures the ceilings its ratios need).</summary>
    public IReadOnlyList<string> Only { get; init; } = AllScenarios;

    public bool Runs(string scenario) => Only.Contains(scenario);

    /// <summary>
    /// Drain to registered endpoints (one per merchant, registered through the Api, so each secret is sealed at rest
    /// and opened by the Worker for every send) instead of to the default target.
    /// </summary>
    public bool DrainToEndpoints { get; init; }

    public static BenchPlan Full { get; } = new("full", TimeSpan.FromSeconds(10), [1, 16, 64], TimeSpan.FromSeconds(10), 4,
        100_000, [1, 2, 4], [500, 1000, 2000], TimeSpan.FromSeconds(30), 10_000_000, 1000, TimeSpan.FromMinutes(3));

    public static BenchPlan Quick { get; } = new("quick", TimeSpan.FromSeconds(3), [16, 64], TimeSpan.FromSeconds(3), 2,
        20_000, [1, 2], [1000], TimeSpan.FromSeconds(10), 500_000, 1000, TimeSpan.FromSeconds(20));

    /// <summary>For the smoke test: every scenario runs, on a load too small to say anything but "it works".</summary>
    public static BenchPlan Tiny { get; } = new("tiny", TimeSpan.FromSeconds(1), [4], TimeSpan.FromSeconds(1), 1,
        1_000, [1, 2], [200], TimeSpan.FromSeconds(2), 5_000, 200, TimeSpan.FromSeconds(4));
}

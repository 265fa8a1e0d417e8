namespace WebhookDispatcher.Bench.Soak;

/// <summary>How long the soak runs and how hard: the full soak, --quick (CI), or the smoke test's tiny one.</summary>
public sealed record SoakPlan(
    string Mode,
    int Events,
    TimeSpan SubmitFor,
    int WorkerKills,
    int ApiKills,
    int ReceiverOutages,
    TimeSpan RedisOutage,
    TimeSpan ReceiverOutage,
    /// <summary>The longest to wait for the queue to empty after the last submission (it ends as soon as it has).</summary>
    TimeSpan SettleTimeout)
{
    public static SoakPlan Full { get; } = new("full", 50_000, TimeSpan.FromMinutes(4), 3, 2, 2,
        TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(5));

    public static SoakPlan Quick { get; } = new("quick", 5_000, TimeSpan.FromSeconds(90), 1, 1, 1,
        TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(4));

    /// <summary>For the smoke test: every kind of fault once, on a handful of events.</summary>
    public static SoakPlan Tiny { get; } = new("tiny", 300, TimeSpan.FromSeconds(45), 1, 1, 1,
        TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3), TimeSpan.FromMinutes(3));
}

namespace WebhookDispatcher.Bench.Soak;

/// <summary>How long the soak runs and how hard: the full soak, --quick (CI), or the smoke test's tiny one.</summary>
public sealed record SoakPlan(string Mode, int Events, TimeSpan SubmitFor, TimeSpan RedisOutage, TimeSpan ReceiverOutage, TimeSpan SettleTimeout)
{
    public static SoakPlan Full { get; } = new("full", 50_000, TimeSpan.FromMinutes(4), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(5));

    public static SoakPlan Quick { get; } = new("quick", 5_000, TimeSpan.FromSeconds(80), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(3));

    public static SoakPlan Tiny { get; } = new("tiny", 300, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3), TimeSpan.FromMinutes(2));
}

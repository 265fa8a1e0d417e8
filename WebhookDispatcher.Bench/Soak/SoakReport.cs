using WebhookDispatcher.Bench.Reporting;

namespace WebhookDispatcher.Bench.Soak;

/// <summary>What the soak did and what it found. <see cref="Lost"/> must be 0.</summary>
public sealed record SoakReport
{
    public required DateTimeOffset Date { get; init; }
    public required string Mode { get; init; }
    public required int Seed { get; init; }
    public required string Command { get; init; }
    public required MachineInfo Machine { get; init; }
    public required IReadOnlyDictionary<string, string> DispatcherSettings { get; init; }
    public required IReadOnlyDictionary<string, string> ReceiverSettings { get; init; }

    public required long Submitted { get; init; }
    public required long Acknowledged { get; init; }
    public required long Delivered { get; init; }
    public required long Dead { get; init; }
    public required long Lost { get; init; }
    public required IReadOnlyList<string> LostExamples { get; init; }
    public required long Duplicates { get; init; }
    public required IReadOnlyDictionary<string, long> DuplicateCauses { get; init; }
    public required long StuckInFlight { get; init; }
    public required long AttemptsMissing { get; init; }
    public required long DeadNeverAccepted { get; init; }
    public required long UnacknowledgedStored { get; init; }
    public required long SubmissionsRetried { get; init; }
    public required long SubmissionsAbandoned { get; init; }

    /// <summary>Faults injected, by kind.</summary>
    public required IReadOnlyDictionary<string, int> Faults { get; init; }
    public required IReadOnlyList<FaultRecord> FaultLog { get; init; }
    public required IReadOnlyDictionary<string, long> ReceiverStats { get; init; }

    public required double SubmitS { get; init; }
    public required double SettleS { get; init; }
    public required double ElapsedS { get; init; }
}

using WebhookDispatcher.Bench.Load;

namespace WebhookDispatcher.Bench.Reporting;

/// <summary>The limits of this machine, measured in the same run: what the engine's figures are fractions of.</summary>
public sealed record Ceilings(
    double ReceiverPerS,
    int ReceiverConcurrency,
    LatencySummary ReceiverLatency,
    IReadOnlyList<IngestLevel> DatabaseSingle,
    double DatabaseBatchPerS,
    int DatabaseBatchClients);

/// <summary>Single events at one connection count (through the Api, or straight into the database for the ceiling).</summary>
public sealed record IngestLevel(
    int Connections,
    double EventsPerS,
    LatencySummary Latency,
    long Accepted,
    long Failures,
    long VerifiedStored,
    IReadOnlyDictionary<string, double> CoresUsed,
    double? CeilingPerS = null,
    double? CeilingRatio = null,
    UnitCost? Cost = null);

public sealed record BatchIngest(
    int Clients,
    int BatchSize,
    double EventsPerS,
    LatencySummary Latency,
    long Accepted,
    long Failures,
    long VerifiedStored,
    IReadOnlyDictionary<string, double> CoresUsed,
    double CeilingPerS,
    double CeilingRatio,
    UnitCost? Cost = null);

/// <param name="PerS">Deliveries over the whole window, from the first arrival: JIT warm-up of the fresh Workers included.</param>
/// <param name="WarmPerS">The last 80% of the deliveries over their own window: the Workers warmed up.</param>
public sealed record DrainRun(
    int Workers,
    int Deliveries,
    double PerS,
    double WarmPerS,
    double WindowSeconds,
    double WallSeconds,
    long Delivered,
    long Received,
    long Duplicates,
    IReadOnlyDictionary<string, double> CoresUsed,
    double CeilingRatio,
    double AttemptP50Ms,
    double AttemptP99Ms,
    double TransactionsPerDelivery,
    UnitCost? Cost = null,
    double LockWaitingBackends = 0,
    double LWLockWaitingBackends = 0,
    double DatabaseCeilingRatio = 0,
    double WarmEngineCpuUsPerDelivery = 0);

/// <summary>The Worker's own claim and outcome SQL in a loop without HTTP: the database's rate for the drain.</summary>
public sealed record DrainCeiling(
    int Loops,
    int BatchSize,
    int Deliveries,
    double PerS,
    long Delivered,
    LatencySummary Claim,
    LatencySummary Outcomes,
    UnitCost Cost);

/// <summary>The drain and the database ceiling with <see cref="HistoryDeliveries"/> delivered rows in the tables, against the same on empty tables.</summary>
public sealed record HistoryRun(
    long HistoryDeliveries,
    double LoadSeconds,
    long TablesBytes,
    DrainCeiling Ceiling,
    DrainRun Drain,
    double DrainRatio,
    double ClaimP99Ratio,
    double CeilingRatio);

/// <summary>Retention cycles under load: the tables' size on disk (with indexes) in the middle and last thirds of the run.</summary>
public sealed record RetentionRun(
    int OfferedPerS,
    double DurationS,
    double PeriodS,
    long Offered,
    long Accepted,
    long Arrived,
    long Cycles,
    long Removed,
    long MiddleThirdMaxBytes,
    long LastThirdMaxBytes,
    long MaxBytes,
    bool Bounded,
    bool KeptUp,
    UnitCost Cost);

public sealed record EndToEndRun(
    int OfferedPerS,
    double DurationS,
    long Offered,
    long Acknowledged,
    long Refused,
    long Arrived,
    double AchievedPerS,
    LatencySummary FromAck,
    LatencySummary FromPost,
    LatencySummary AckLatency,
    long ArrivedBeforeAck,
    double LastArrivalAfterLastAckS,
    bool KeptUp,
    IReadOnlyDictionary<string, double> CoresUsed,
    double TransactionsPerEvent,
    UnitCost? Cost = null);

public sealed record MachineInfo(
    string Host,
    int Cores,
    double MemoryGiB,
    string Os,
    string Runtime,
    string Commit,
    string LoadBefore,
    string LoadAfter);

/// <summary>Everything one run measured. The flat fields up top are the headline; the lists hold every scenario.</summary>
public sealed record BenchReport
{
    public required DateTimeOffset Date { get; init; }
    public required string Mode { get; init; }
    public required string Command { get; init; }
    public required MachineInfo Machine { get; init; }
    public required string Receiver { get; init; }
    public required IReadOnlyDictionary<string, string> WorkerSettings { get; init; }

    public double DrainPerS { get; init; }
    public double DrainWarmPerS { get; init; }
    public double DrainCeilingPerS { get; init; }
    public double DrainCeilingRatio { get; init; }
    public double DrainDatabaseCeilingPerS { get; init; }
    public double DrainDatabaseCeilingRatio { get; init; }
    public double DrainEngineCpuUsPerDelivery { get; init; }
    /// <summary>The same over the warm window (the last 80% of the deliveries): the engine's cost once a fresh Worker has compiled its code.</summary>
    public double DrainWarmEngineCpuUsPerDelivery { get; init; }
    public double DrainTransactionsPerDelivery { get; init; }
    public double DrainWalBytesPerDelivery { get; init; }
    public double IngestEngineCpuUsPerEvent { get; init; }
    public double IngestTransactionsPerEvent { get; init; }
    public double IngestWalBytesPerEvent { get; init; }
    public double IngestBatchEngineCpuUsPerEvent { get; init; }
    public double HistoryDrainRatio { get; init; }
    public double HistoryClaimP99Ratio { get; init; }
    public bool RetentionBounded { get; init; }
    public double IngestPerS { get; init; }
    public double IngestBatchPerS { get; init; }
    public double IngestCeilingPerS { get; init; }
    public double IngestCeilingRatio { get; init; }
    public double IngestBatchCeilingPerS { get; init; }
    public double IngestBatchCeilingRatio { get; init; }
    public double E2eP50Ms { get; init; }
    public double E2eP95Ms { get; init; }
    public double E2eP99Ms { get; init; }
    public double E2eMaxMs { get; init; }
    public int E2eOfferedPerS { get; init; }

    public required Ceilings Ceilings { get; init; }
    public required IReadOnlyList<IngestLevel> Ingest { get; init; }
    public required BatchIngest IngestBatch { get; init; }
    public required IReadOnlyList<DrainRun> Drain { get; init; }
    public required IReadOnlyList<EndToEndRun> EndToEnd { get; init; }
    public DrainCeiling? DrainDatabaseCeiling { get; init; }
    public HistoryRun? History { get; init; }
    public RetentionRun? Retention { get; init; }
    public required double ElapsedS { get; init; }
}

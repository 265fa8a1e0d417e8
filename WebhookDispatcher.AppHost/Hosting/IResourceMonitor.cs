namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>The lifecycle states of a resource, as Aspire names them.</summary>
public enum ResourceState
{
    NotStarted,
    Waiting,
    Starting,
    Running,
    Stopping,
    Exited,
    Finished,
    FailedToStart,
}

/// <summary>A resource's health as its health checks last reported it (null in a snapshot: no checks, or not yet checked).</summary>
public enum ResourceHealth
{
    Unhealthy,
    Degraded,
    Healthy,
}

/// <summary>One resource of the running app model, as the dashboard's Resources page shows it.</summary>
public sealed record ResourceSnapshot(
    string Name,
    string Type,
    ResourceState State,
    ResourceHealth? Health,
    DateTimeOffset? StartedAt,
    int? ProcessId,
    IReadOnlyList<Uri> Endpoints,
    int RestartCount,
    int? ExitCode);

/// <summary>One captured line of a resource's console output.</summary>
public sealed record ConsoleLine(long Sequence, DateTimeOffset Timestamp, string Text, bool IsError);

/// <summary>
/// What the hosting layer tells the dashboard, and lets it do: the contract between the two halves of the AppHost
/// (Aspire's ResourceNotificationService and ResourceLoggerService play this part).
/// </summary>
public interface IResourceMonitor
{
    IReadOnlyList<ResourceSnapshot> GetResources();

    /// <summary>The captured console lines of one resource (bounded; oldest dropped first), after a sequence number.</summary>
    IReadOnlyList<ConsoleLine> GetConsoleLines(string resourceName, long afterSequence = 0);

    /// <summary>Raised when any resource changes state or health, or writes console output.</summary>
    event Action? Changed;

    Task StartResourceAsync(string resourceName, CancellationToken cancellationToken = default);

    Task StopResourceAsync(string resourceName, CancellationToken cancellationToken = default);

    Task RestartResourceAsync(string resourceName, CancellationToken cancellationToken = default);
}

namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// One running copy of a resource (one replica), as the dashboard lists it: its state and health, the process it
/// runs, its console output, and the history of its changes.
/// </summary>
internal abstract class ResourceInstance(Resource resource, string name, int replica, Orchestrator orchestrator)
{
    private static readonly TimeSpan ProbeIntervalWhileUnhealthy = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ProbeIntervalWhileHealthy = TimeSpan.FromSeconds(5);
    private const int MaxEvents = 1_000;

    private readonly List<ResourceEvent> _events = [];

    protected Lock Gate { get; } = new();

    protected Orchestrator Orchestrator { get; } = orchestrator;

    public Resource Resource { get; } = resource;

    public string Name { get; } = name;

    public int Replica { get; } = replica;

    public ConsoleLog Log { get; } = orchestrator.CreateConsoleLog(name);

    public ResourceState State { get; private set; } = ResourceState.NotStarted;

    public ResourceHealth? Health { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public int? ProcessId { get; private set; }

    public int? ExitCode { get; private set; }

    public int RestartCount { get; private set; }

    /// <summary>What <c>WaitFor</c> waits for: Running, and every health check passing.</summary>
    public bool IsHealthy
    {
        get
        {
            lock (Gate)
            {
                return State == ResourceState.Running && (Resource.HealthProbes.Count == 0 || Health == ResourceHealth.Healthy);
            }
        }
    }

    public abstract IReadOnlyList<Uri> Endpoints { get; }

    public IReadOnlyList<ResourceEvent> Events
    {
        get
        {
            lock (Gate)
            {
                return [.. _events];
            }
        }
    }

    public ResourceSnapshot Snapshot()
    {
        lock (Gate)
        {
            return new ResourceSnapshot(Name, Resource.Type, State, Health, StartedAt, ProcessId, Endpoints, RestartCount, ExitCode);
        }
    }

    /// <summary>Starts it (after its WaitFor dependencies); nothing happens if it is already started.</summary>
    public abstract void Start();

    /// <summary>Stops it gracefully, forcibly after its timeout; it stays stopped until started again.</summary>
    public abstract Task StopAsync();

    /// <summary>SIGKILLs its process. <paramref name="restart"/> overrides the app's AutoRestart for this one exit.</summary>
    public abstract Task KillAsync(bool? restart);

    protected void SetState(ResourceState state) => Change(() => State = state);

    protected void SetRunning(int? processId) => Change(() =>
    {
        State = ResourceState.Running;
        Health = null;
        ProcessId = processId;
        StartedAt = DateTimeOffset.UtcNow;
        ExitCode = null;
    });

    protected void SetExited(ResourceState state, int? exitCode, Action? alsoUnderLock = null) => Change(() =>
    {
        State = state;
        Health = null;
        ProcessId = null;
        ExitCode = exitCode;
        alsoUnderLock?.Invoke();
    });

    protected void IncrementRestartCount() => Change(() => RestartCount++);

    /// <summary>Asks every health probe, again and again, until <paramref name="cancellationToken"/> ends it.</summary>
    protected async Task PollHealthAsync(CancellationToken cancellationToken)
    {
        if (Resource.HealthProbes.Count == 0)
        {
            return;
        }
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var healthy = true;
                foreach (var probe in Resource.HealthProbes)
                {
                    healthy &= await probe.IsHealthyAsync(Replica, cancellationToken);
                }
                Change(() =>
                {
                    if (State == ResourceState.Running)
                    {
                        Health = healthy ? ResourceHealth.Healthy : ResourceHealth.Unhealthy;
                    }
                });
                await Task.Delay(healthy ? ProbeIntervalWhileHealthy : ProbeIntervalWhileUnhealthy, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Holds the instance in Waiting until every resource it waits for is healthy.</summary>
    protected async Task WaitForDependenciesAsync(CancellationToken cancellationToken)
    {
        if (Resource.WaitsFor.Count == 0)
        {
            return;
        }
        SetState(ResourceState.Waiting);
        if (!Orchestrator.AreHealthy(Resource.WaitsFor))
        {
            Log.WriteSystem($"waiting for {string.Join(", ", Resource.WaitsFor)}");
        }
        await Orchestrator.WaitForHealthyAsync(Resource.WaitsFor, cancellationToken);
    }

    /// <summary>Applies a change under the lock, records it if state or health moved, then tells the orchestrator.</summary>
    private void Change(Action change)
    {
        bool moved;
        lock (Gate)
        {
            var (state, health, restarts) = (State, Health, RestartCount);
            change();
            moved = state != State || health != Health || restarts != RestartCount;
            if (moved)
            {
                if (_events.Count == MaxEvents)
                {
                    _events.RemoveAt(0);
                }
                _events.Add(new ResourceEvent(DateTimeOffset.UtcNow, Name, State, Health, RestartCount, ExitCode));
            }
        }
        if (moved)
        {
            Orchestrator.NotifyChanged(stateChanged: true);
        }
    }
}

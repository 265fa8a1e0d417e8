namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// One replica of an executable resource, supervised: Waiting for its dependencies, Starting, Running with its
/// health polled, and when its process exits unasked, started again after a backoff (1 s, 2 s, 4 s … 30 s).
/// </summary>
internal sealed class ProcessInstance(ExecutableResource resource, string name, int replica, Orchestrator orchestrator)
    : ResourceInstance(resource, name, replica, orchestrator)
{
    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromSeconds(30);

    /// <summary>A process that ran at least this long before it crashed starts again without delay growing further.</summary>
    private static readonly TimeSpan StableRun = TimeSpan.FromSeconds(30);

    private Task _supervisor = Task.CompletedTask;
    private CancellationTokenSource _stopping = new();
    private bool _stopRequested;
    private ChildProcess? _process;
    private bool? _restartAfterKill;

    public ExecutableResource Executable { get; } = resource;

    private bool IsStopRequested
    {
        get
        {
            lock (Gate)
            {
                return _stopRequested;
            }
        }
    }

    public override IReadOnlyList<Uri> Endpoints => [.. Executable.Endpoints.Select(e => e.GetUrl(Replica))];

    public override void Start()
    {
        Task<Task> supervisor;
        lock (Gate)
        {
            if (!_supervisor.IsCompleted)
            {
                return;
            }
            _stopRequested = false;
            _stopping = new CancellationTokenSource();
            var stopping = _stopping.Token;
            supervisor = new Task<Task>(() => SuperviseAsync(stopping));
            _supervisor = supervisor.Unwrap();
        }
        // Out of NotStarted or Exited before this returns, so a wait that begins now doesn't see the old state.
        SetState(Resource.WaitsFor.Count > 0 ? ResourceState.Waiting : ResourceState.Starting);
        supervisor.Start(TaskScheduler.Default);
    }

    public override async Task StopAsync()
    {
        lock (Gate)
        {
            _stopRequested = true;
        }
        await _stopping.CancelAsync();
        // Read after the flag is set: from then on no new process starts, so this is the last one, if any.
        ChildProcess? process;
        lock (Gate)
        {
            process = _process;
        }
        if (process is not null)
        {
            SetState(ResourceState.Stopping);
            process.Signal(Executable.StopSignal);
            if (!await process.WaitForExitAsync(Executable.StopTimeout))
            {
                Log.WriteSystem($"did not stop within {Executable.StopTimeout.TotalSeconds:0} s; killing it");
                process.Kill();
            }
        }
        await _supervisor;
    }

    public override async Task KillAsync(bool? restart)
    {
        ChildProcess process;
        lock (Gate)
        {
            process = _process ?? throw new InvalidOperationException($"{Name} has no running process to kill (it is {State}).");
            _restartAfterKill = restart;
        }
        Log.WriteSystem($"killing pid {process.Id} (SIGKILL)");
        process.Kill();
        // Return once the exit is recorded, so what the caller sees next is the aftermath, not the process still Running.
        await Orchestrator.Signal.WaitUntilAsync(() => !ReferenceEquals(Volatile.Read(ref _process), process), CancellationToken.None);
    }

    /// <summary>Ends its process at once (a second Ctrl+C).</summary>
    public void KillNow() => Volatile.Read(ref _process)?.Kill();

    private async Task SuperviseAsync(CancellationToken stopping)
    {
        var crashes = 0;
        try
        {
            while (true)
            {
                await WaitForDependenciesAsync(stopping);
                SetState(ResourceState.Starting);

                ChildProcess process;
                try
                {
                    var spec = await Executable.PrepareStartAsync(new ResourceStartContext(Replica, Orchestrator.Data, Log, Orchestrator.Otlp), stopping);
                    lock (Gate)
                    {
                        if (_stopRequested)
                        {
                            throw new OperationCanceledException(stopping);
                        }
                        process = ChildProcess.Start(spec, Log.Write);
                        _process = process;
                    }
                }
                catch (Exception ex) when (!IsStopRequested)
                {
                    Log.WriteSystem("failed to start: " + ex.Message);
                    SetState(ResourceState.FailedToStart);
                    if (!Orchestrator.Options.AutoRestart)
                    {
                        return;
                    }
                    await DelayRestartAsync(++crashes, $"start {Name} again", stopping);
                    continue;
                }

                Orchestrator.Journal.Add(process, Name);
                SetRunning(process.Id);
                Log.WriteSystem($"started, pid {process.Id}");
                var exitCode = await RunUntilExitAsync(process);
                Orchestrator.Journal.Remove(process);

                bool requested;
                bool restart;
                lock (Gate)
                {
                    requested = _stopRequested;
                    restart = !requested && (_restartAfterKill ?? Orchestrator.Options.AutoRestart);
                    _restartAfterKill = null;
                }
                SetExited(requested || exitCode != 0 ? ResourceState.Exited : ResourceState.Finished, exitCode, () => _process = null);
                if (!restart)
                {
                    Log.WriteSystem($"exited with code {exitCode}");
                    return;
                }

                var ranFor = DateTimeOffset.UtcNow - (Snapshot().StartedAt ?? DateTimeOffset.UtcNow);
                crashes = ranFor >= StableRun ? 1 : crashes + 1;
                await DelayRestartAsync(crashes, $"exited with code {exitCode}", stopping);
            }
        }
        catch (OperationCanceledException) when (IsStopRequested)
        {
            // Stopped while waiting, starting or backing off: it never got (back) to Running.
            if (State is ResourceState.Waiting or ResourceState.Starting)
            {
                SetState(ResourceState.NotStarted);
            }
        }
    }

    private async Task<int> RunUntilExitAsync(ChildProcess process)
    {
        using var health = new CancellationTokenSource();
        var polling = PollHealthAsync(health.Token);
        var exitCode = await process.Exited;
        await health.CancelAsync();
        await polling;
        return exitCode;
    }

    private async Task DelayRestartAsync(int crashes, string what, CancellationToken stopping)
    {
        var delay = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, crashes - 1), MaxRestartDelay.TotalSeconds));
        Log.WriteSystem($"{what}; restarting in {delay.TotalSeconds:0} s (restart {RestartCount + 1})");
        await Task.Delay(delay, stopping);
        IncrementRestartCount();
    }
}

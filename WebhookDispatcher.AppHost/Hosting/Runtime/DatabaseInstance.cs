namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// A database on a PostgreSQL server: no process of its own. Once the server is healthy it is created if missing,
/// and from then on it is Running, healthy while it accepts connections.
/// </summary>
internal sealed class DatabaseInstance(PostgresDatabaseResource database, Orchestrator orchestrator)
    : ResourceInstance(database, database.Name, 0, orchestrator)
{
    private Task _run = Task.CompletedTask;
    private CancellationTokenSource _stopping = new();

    public override IReadOnlyList<Uri> Endpoints => [];

    public override void Start()
    {
        lock (Gate)
        {
            if (!_run.IsCompleted)
            {
                return;
            }
            _stopping = new CancellationTokenSource();
            var stopping = _stopping.Token;
            _run = Task.Run(() => RunAsync(stopping));
        }
    }

    public override async Task StopAsync()
    {
        await _stopping.CancelAsync();
        await _run;
        if (State != ResourceState.NotStarted)
        {
            SetExited(ResourceState.Exited, null);
        }
    }

    public override Task KillAsync(bool? restart) =>
        throw new InvalidOperationException($"{Name} is a database, not a process: kill {database.Parent.Name} instead.");

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await WaitForDependenciesAsync(stopping);
            SetState(ResourceState.Starting);
            await CreateAsync(stopping);
            SetRunning(processId: null);
            await PollHealthAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            if (State is ResourceState.Waiting or ResourceState.Starting)
            {
                SetState(ResourceState.NotStarted);
            }
        }
    }

    private async Task CreateAsync(CancellationToken stopping)
    {
        // The server was healthy a moment ago; a restart of it in between is retried rather than fatal.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await database.CreateIfMissingAsync(stopping);
                Log.WriteSystem($"database {database.DatabaseName} is ready on {database.Parent.Name}");
                return;
            }
            catch (Npgsql.NpgsqlException ex) when (attempt < 30)
            {
                Log.WriteSystem($"creating database {database.DatabaseName} failed ({ex.Message}); retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), stopping);
                await Orchestrator.WaitForHealthyAsync([database.Parent], stopping);
            }
        }
    }
}

namespace WebhookDispatcher.Bench.Hosting;

/// <summary>
/// The running system as the bench and the soak drive it: where its parts listen, and the levers to scale,
/// stop and break them. Everything the scenarios do to the system goes through here; <see cref="AppHostSystem"/>
/// runs it through the AppHost's app model.
/// </summary>
public interface ISystemUnderTest : IAsyncDisposable
{
    /// <summary>The Api's base address (POST /events, GET /status/all).</summary>
    Uri ApiUrl { get; }

    /// <summary>The bearer key the Api demands, or null when it demands none.</summary>
    string? ApiKey { get; }

    /// <summary>The MockReceiver's base address, when the system runs one.</summary>
    Uri? MockReceiverUrl { get; }

    /// <summary>The Npgsql connection string of the <c>webhooks</c> database.</summary>
    string WebhooksConnectionString { get; }

    /// <summary>Workers currently started (running or being restarted).</summary>
    int WorkerCount { get; }

    /// <summary>Starts Workers until <paramref name="count"/> run, or stops the extra ones gracefully; waits until each is healthy.</summary>
    Task ScaleWorkersAsync(int count, CancellationToken cancellationToken = default);

    /// <summary>SIGKILL to one Worker; it stays down until <see cref="StartWorkerAsync"/>.</summary>
    Task KillWorkerAsync(int index);

    Task StartWorkerAsync(int index, CancellationToken cancellationToken = default);

    /// <summary>SIGKILL to the Api; it stays down until <see cref="StartApiAsync"/>.</summary>
    Task KillApiAsync();

    Task StartApiAsync(CancellationToken cancellationToken = default);

    Task StopRedisAsync();

    Task StartRedisAsync(CancellationToken cancellationToken = default);

    /// <summary>Stops PostgreSQL with a fast shutdown (every session cut, nothing committed lost) and starts it again.</summary>
    Task RestartPostgresAsync(CancellationToken cancellationToken = default);

    /// <summary>The processes that make up the system now, by role, for CPU accounting.</summary>
    IReadOnlyList<(string Role, IReadOnlyList<int> ProcessIds)> Processes();
}

/// <summary>How the system is to be started: the configuration handed to its services.</summary>
public sealed record SystemSettings
{
    /// <summary>Where a merchant without endpoints is delivered (the Worker's Dispatcher:DefaultTargetUrl).</summary>
    public required string DefaultTargetUrl { get; init; }

    /// <summary>Extra <c>Dispatcher__*</c> settings for the Api and Workers (key without the prefix).</summary>
    public IReadOnlyDictionary<string, string> Dispatcher { get; init; } = new Dictionary<string, string>();

    /// <summary>The MockReceiver's <c>Receiver__*</c> settings; null: it accepts everything (and nothing is sent to it).</summary>
    public IReadOnlyDictionary<string, string>? MockReceiver { get; init; }

    /// <summary>Workers running once the system has started.</summary>
    public int Workers { get; init; }
}

namespace WebhookDispatcher.Bench.Hosting;

/// <summary>
/// The system as separate processes that this class starts itself: PostgreSQL, Redis, the Api, N Workers and
/// optionally the MockReceiver, wired with the same environment the AppHost gives them (ConnectionStrings__*,
/// Dispatcher__*, Receiver__*, ASPNETCORE_URLS). Stands in until the AppHost's test harness can do the same.
/// </summary>
public sealed class LocalProcessSystem : ISystemUnderTest
{
    private const string BenchApiKey = "bench-key-0123456789";
    private static readonly TimeSpan WorkerStopTimeout = TimeSpan.FromSeconds(40);

    private readonly SystemSettings _settings;
    private readonly string _directory;
    private readonly string _logs;
    private readonly PostgresServer _postgres;
    private readonly RedisServer _redis;
    private readonly ServiceProcess _api;
    private readonly ServiceProcess? _mockReceiver;
    private readonly List<ServiceProcess> _workers = [];
    private bool _disposed;

    private LocalProcessSystem(SystemSettings settings)
    {
        _settings = settings;
        _directory = Directory.CreateTempSubdirectory("webhook-bench-").FullName;
        _logs = settings.LogDirectory ?? Path.Combine(_directory, "logs");
        Directory.CreateDirectory(_logs);
        _postgres = new PostgresServer(_directory);
        _redis = new RedisServer(_directory);
        _api = new ServiceProcess("api", "WebhookDispatcher.Api", ServiceEnvironment(api: true), _logs);
        if (settings.MockReceiver is { } receiver)
        {
            var environment = Common();
            environment["Receiver__SigningSecret"] = settings.SigningSecret;
            foreach (var (key, value) in receiver)
            {
                environment[$"Receiver__{key}"] = value;
            }
            _mockReceiver = new ServiceProcess("mockreceiver", "WebhookDispatcher.MockReceiver", environment, _logs);
        }
    }

    public static async Task<LocalProcessSystem> StartAsync(SystemSettings settings, CancellationToken cancellationToken = default)
    {
        var system = new LocalProcessSystem(settings);
        try
        {
            await system._postgres.InitializeAsync(cancellationToken);
            await system._redis.StartAsync(cancellationToken);
            if (system._mockReceiver is { } receiver)
            {
                await receiver.StartAsync(cancellationToken);
            }
            await system._api.StartAsync(cancellationToken); // applies the migrations
            await system.ScaleWorkersAsync(settings.Workers, cancellationToken);
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    public Uri ApiUrl => _api.Url;

    public string? ApiKey => BenchApiKey;

    public Uri? MockReceiverUrl => _mockReceiver?.Url;

    public string WebhooksConnectionString => _postgres.ConnectionString;

    public string LogDirectory => _logs;

    public int WorkerCount => _workers.Count;

    public async Task ScaleWorkersAsync(int count, CancellationToken cancellationToken = default)
    {
        while (_workers.Count > count)
        {
            var last = _workers[^1];
            _workers.RemoveAt(_workers.Count - 1);
            await last.StopAsync(WorkerStopTimeout);
            last.Dispose();
        }
        var starting = new List<Task>();
        while (_workers.Count < count)
        {
            var worker = new ServiceProcess($"worker-{_workers.Count}", "WebhookDispatcher.Worker", ServiceEnvironment(api: false), _logs);
            _workers.Add(worker);
            starting.Add(worker.StartAsync(cancellationToken));
        }
        await Task.WhenAll(starting);
    }

    public Task KillWorkerAsync(int index) => _workers[index].KillAsync();

    public Task StartWorkerAsync(int index, CancellationToken cancellationToken = default) => _workers[index].StartAsync(cancellationToken);

    public Task KillApiAsync() => _api.KillAsync();

    public Task StartApiAsync(CancellationToken cancellationToken = default) => _api.StartAsync(cancellationToken);

    public Task StopRedisAsync() => _redis.StopAsync();

    public Task StartRedisAsync(CancellationToken cancellationToken = default) => _redis.StartAsync(cancellationToken);

    public async Task RestartPostgresAsync(CancellationToken cancellationToken = default)
    {
        await _postgres.StopAsync(cancellationToken);
        await _postgres.StartAsync(cancellationToken);
    }

    public IReadOnlyList<(string Role, IReadOnlyList<int> ProcessIds)> Processes()
    {
        var processes = new List<(string, IReadOnlyList<int>)>
        {
            ("postgres", _postgres.ProcessIds()),
            ("redis", _redis.ProcessId is { } redis ? [redis] : []),
            ("api", _api.ProcessId is { } api ? [api] : []),
        };
        var workers = _workers.Select(w => w.ProcessId).OfType<int>().ToList();
        processes.Add(("worker", workers));
        if (_mockReceiver?.ProcessId is { } receiver)
        {
            processes.Add(("mockreceiver", [receiver]));
        }
        processes.Add(("bench", [Environment.ProcessId]));
        return processes;
    }

    private Dictionary<string, string> Common() => new()
    {
        ["ConnectionStrings__webhooks"] = _postgres.ConnectionString,
        ["ConnectionStrings__redis"] = _redis.ConnectionString,
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        // Per-request logs at Information would measure the console, not the engine; warnings still show.
        ["Logging__LogLevel__Default"] = "Warning",
    };

    private Dictionary<string, string> ServiceEnvironment(bool api)
    {
        var environment = Common();
        environment["Dispatcher__AllowPrivateTargets"] = "true";
        environment["Dispatcher__DefaultTargetUrl"] = _settings.DefaultTargetUrl;
        environment["Dispatcher__SigningSecret"] = _settings.SigningSecret;
        foreach (var (key, value) in _settings.Dispatcher)
        {
            environment[$"Dispatcher__{key}"] = value;
        }
        if (api)
        {
            environment["Api__Keys__0"] = BenchApiKey;
        }
        // For experiments: BENCH_API_X=1 or BENCH_WORKER_X=1 in the bench's environment sets X=1 for that service only.
        var prefix = api ? "BENCH_API_" : "BENCH_WORKER_";
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string key && key.StartsWith(prefix, StringComparison.Ordinal))
            {
                environment[key[prefix.Length..]] = variable.Value?.ToString() ?? "";
            }
        }
        return environment;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (var worker in _workers)
        {
            worker.Dispose();
        }
        _api.Dispose();
        _mockReceiver?.Dispose();
        _redis.Dispose();
        try
        {
            await _postgres.StopAsync(CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // Not running: nothing to stop.
        }
        try
        {
            // The logs stay (they are small and say what went wrong); the cluster goes.
            Directory.Delete(Path.Combine(_directory, "data"), recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

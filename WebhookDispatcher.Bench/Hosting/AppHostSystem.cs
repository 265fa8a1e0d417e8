using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace WebhookDispatcher.Bench.Hosting;

/// <summary>
/// The system as the AppHost's own app model runs it (its Program.cs, under Aspire.Hosting.Testing: random ports, a
/// throwaway data directory, no dashboard), with the bench's settings added on top. Worker replicas are all modelled
/// up front and started or stopped as a scenario needs them.
/// </summary>
public sealed class AppHostSystem : ISystemUnderTest
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    /// <summary>The bench runs its own sockets this way (Program.cs); the services it starts must not inherit it.</summary>
    public const string InlineSocketCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    private readonly AppHostRun _run;
    private readonly DistributedApplication _app;
    private readonly IReadOnlyList<string> _workers;

    private AppHostSystem(AppHostRun run, string connectionString)
    {
        _run = run;
        _app = run.App;
        _workers = run.Resources.Of("worker");
        WebhooksConnectionString = connectionString;
        ApiUrl = _app.GetEndpoint("api", "http");
        MockReceiverUrl = _app.GetEndpoint("mockreceiver", "http");
    }

    /// <param name="replicas">Worker replicas in the model: the most a scenario will run at once.</param>
    public static async Task<AppHostSystem> StartAsync(SystemSettings settings, int replicas, CancellationToken cancellationToken = default)
    {
        var run = await AppHostRun.CreateAsync(["--workers", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture)], cancellationToken);
        var builder = run.Builder;

        var api = builder.CreateResourceBuilder<ProjectResource>("api");
        var worker = builder.CreateResourceBuilder<ProjectResource>("worker");
        var receiver = builder.CreateResourceBuilder<ProjectResource>("mockreceiver");
        foreach (var service in new[] { api, worker, receiver })
        {
            service.WithEnvironment(InlineSocketCompletions, "0");
        }
        foreach (var (key, value) in settings.Dispatcher)
        {
            api.WithEnvironment($"Dispatcher__{key}", value);
            worker.WithEnvironment($"Dispatcher__{key}", value);
        }
        worker.WithEnvironment("Dispatcher__DefaultTargetUrl", settings.DefaultTargetUrl);
        // Ingestion is on the hot path: the load goes straight to the Api, not through DCP's endpoint proxy (which
        // a user's curl goes through). BENCH_PROXIED=1 keeps the proxy, to measure what it costs.
        if (Environment.GetEnvironmentVariable("BENCH_PROXIED") != "1")
        {
            var port = NativeProcess.FreePort();
            api.WithEndpoint("http", endpoint =>
            {
                endpoint.IsProxied = false;
                endpoint.Port = port;
                endpoint.TargetPort = port;
            });
        }
        foreach (var (key, value) in settings.MockReceiver ?? new Dictionary<string, string> { ["FailureRate"] = "0", ["HangRate"] = "0" })
        {
            receiver.WithEnvironment($"Receiver__{key}", value);
        }
        // For experiments: BENCH_API_X=1 or BENCH_WORKER_X=1 in the bench's environment sets X=1 for that service only.
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string key && variable.Value is string value)
            {
                if (key.StartsWith("BENCH_API_", StringComparison.Ordinal))
                {
                    api.WithEnvironment(key["BENCH_API_".Length..], value);
                }
                else if (key.StartsWith("BENCH_WORKER_", StringComparison.Ordinal))
                {
                    worker.WithEnvironment(key["BENCH_WORKER_".Length..], value);
                }
            }
        }

        try
        {
            var app = await run.StartAsync(cancellationToken);
            var system = new AppHostSystem(run, (await app.GetConnectionStringAsync("webhooks", cancellationToken))!);
            await system.ScaleWorkersAsync(settings.Workers, cancellationToken);
            return system;
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
    }

    public Uri ApiUrl { get; }

    /// <summary>Under the AppHost the Api runs in Development, without keys.</summary>
    public string? ApiKey => null;

    public Uri? MockReceiverUrl { get; }

    public string WebhooksConnectionString { get; }

    public int WorkerCount => _workers.Count(_run.Resources.IsRunning);

    public async Task ScaleWorkersAsync(int count, CancellationToken cancellationToken = default)
    {
        if (count > _workers.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"The model has {_workers.Count} Worker replicas.");
        }
        var changes = new List<Task>();
        for (var i = 0; i < _workers.Count; i++)
        {
            var name = _workers[i];
            if (i < count && !_run.Resources.IsRunning(name))
            {
                changes.Add(_run.Resources.StartAsync(name, cancellationToken));
            }
            else if (i >= count && _run.Resources.IsRunning(name))
            {
                // SIGTERM: the Worker finishes its attempts and writes their outcomes before it exits.
                changes.Add(_run.Resources.StopAsync(name, cancellationToken));
            }
        }
        await Task.WhenAll(changes);
    }

    public Task KillWorkerAsync(int index) => _run.Resources.KillAsync(_workers[index]);

    public Task StartWorkerAsync(int index, CancellationToken cancellationToken = default) => _run.Resources.StartAsync(_workers[index], cancellationToken);

    public Task KillApiAsync() => _run.Resources.KillAsync(Single("api"));

    public Task StartApiAsync(CancellationToken cancellationToken = default) => _run.Resources.StartAsync(Single("api"), cancellationToken);

    public Task StopRedisAsync() => _run.Resources.StopAsync(Single("redis"));

    public Task StartRedisAsync(CancellationToken cancellationToken = default) => _run.Resources.StartAsync(Single("redis"), cancellationToken);

    /// <summary>Aspire's restart: SIGTERM, PostgreSQL's smart shutdown once the pools let go, then a start; nothing committed is lost.</summary>
    public async Task RestartPostgresAsync(CancellationToken cancellationToken = default)
    {
        await _run.Resources.RestartAsync(Single("postgres"), cancellationToken);
        await _run.Resources.WaitForHealthyAsync(Single("webhooks"), StartTimeout, cancellationToken);
    }

    public IReadOnlyList<(string Role, IReadOnlyList<int> ProcessIds)> Processes()
    {
        var processes = new List<(string Role, IReadOnlyList<int> ProcessIds)>();
        foreach (var role in new[] { "postgres", "redis", "api", "worker", "mockreceiver" })
        {
            foreach (var instance in _run.Resources.Of(role))
            {
                // A project runs under `dotnet run`, PostgreSQL as a tree of backends: the whole tree is the role's.
                if (_run.Resources.IsRunning(instance) && _run.Resources.ProcessIdOf(instance) is { } pid)
                {
                    processes.Add((role, ProcessTree.Of(pid)));
                }
            }
        }
        processes.Add(("bench", [Environment.ProcessId]));
        return processes;
    }

    private string Single(string resourceName) => _run.Resources.Single(resourceName);

    public ValueTask DisposeAsync() => _run.DisposeAsync();
}

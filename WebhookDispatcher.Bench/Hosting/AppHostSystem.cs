using WebhookDispatcher.AppHost.Hosting;
using WebhookDispatcher.AppHost.Hosting.Testing;

namespace WebhookDispatcher.Bench.Hosting;

/// <summary>
/// The system as the AppHost's own app model runs it (its Program.cs, through the test harness: free ports, a
/// temporary data directory, no dashboard, no automatic restarts), with the bench's settings added on top. Worker
/// replicas are all modelled up front and started or stopped as a scenario needs them.
/// </summary>
public sealed class AppHostSystem : ISystemUnderTest
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    /// <summary>The bench runs its own sockets this way (Program.cs); the services it starts must not inherit it.</summary>
    public const string InlineSocketCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    private readonly DistributedApplication _app;
    private readonly IReadOnlyList<string> _workers;

    private AppHostSystem(DistributedApplication app, int replicas, string connectionString)
    {
        _app = app;
        _workers = replicas == 1 ? ["worker"] : [.. Enumerable.Range(0, replicas).Select(i => $"worker-{i}")];
        WebhooksConnectionString = connectionString;
    }

    /// <param name="replicas">Worker replicas in the model: the most a scenario will run at once.</param>
    public static async Task<AppHostSystem> StartAsync(SystemSettings settings, int replicas, CancellationToken cancellationToken = default)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<DistributedApplication>(
            ["--workers", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture)], cancellationToken: cancellationToken);

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

        var app = builder.Build();
        try
        {
            await app.StartAsync(cancellationToken);
            await app.WaitForAllResourcesHealthyAsync(cancellationToken).WaitAsync(StartTimeout, cancellationToken);
            var system = new AppHostSystem(app, replicas, (await app.GetConnectionStringAsync("webhooks", cancellationToken))!);
            await system.ScaleWorkersAsync(settings.Workers, cancellationToken);
            return system;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public Uri ApiUrl => _app.GetEndpoint("api");

    /// <summary>Under the AppHost the Api runs in Development, without keys.</summary>
    public string? ApiKey => null;

    public Uri? MockReceiverUrl => _app.GetEndpoint("mockreceiver");

    public string WebhooksConnectionString { get; }

    public int WorkerCount => _workers.Count(IsRunning);

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
            if (i < count && !IsRunning(name))
            {
                changes.Add(StartAsync(name, cancellationToken));
            }
            else if (i >= count && IsRunning(name))
            {
                // SIGTERM: the Worker finishes its attempts and writes their outcomes before it exits.
                changes.Add(_app.StopResourceAsync(name, cancellationToken));
            }
        }
        await Task.WhenAll(changes);
    }

    public Task KillWorkerAsync(int index) => _app.KillResourceAsync(_workers[index], restart: false);

    public Task StartWorkerAsync(int index, CancellationToken cancellationToken = default) => StartAsync(_workers[index], cancellationToken);

    public Task KillApiAsync() => _app.KillResourceAsync("api", restart: false);

    public Task StartApiAsync(CancellationToken cancellationToken = default) => StartAsync("api", cancellationToken);

    public Task StopRedisAsync() => _app.StopResourceAsync("redis");

    public Task StartRedisAsync(CancellationToken cancellationToken = default) => StartAsync("redis", cancellationToken);

    /// <summary>The AppHost stops PostgreSQL with SIGINT, its fast shutdown.</summary>
    public async Task RestartPostgresAsync(CancellationToken cancellationToken = default)
    {
        await _app.RestartResourceAsync("postgres", cancellationToken);
        await _app.WaitForResourceHealthyAsync("postgres", cancellationToken).WaitAsync(StartTimeout, cancellationToken);
    }

    public IReadOnlyList<(string Role, IReadOnlyList<int> ProcessIds)> Processes()
    {
        var processes = new List<(string Role, IReadOnlyList<int> ProcessIds)>();
        foreach (var resource in _app.GetResources())
        {
            if (resource.ProcessId is not { } pid || resource.State != ResourceState.Running)
            {
                continue;
            }
            var role = resource.Name.StartsWith("worker", StringComparison.Ordinal) ? "worker" : resource.Name;
            // PostgreSQL is a tree of processes (one per connection, and its helpers).
            processes.Add((role, role == "postgres" ? NativeProcess.Tree(pid) : [pid]));
        }
        processes.Add(("bench", [Environment.ProcessId]));
        return processes;
    }

    private bool IsRunning(string name) => _app.GetResource(name).State is ResourceState.Running or ResourceState.Starting;

    private async Task StartAsync(string name, CancellationToken cancellationToken)
    {
        await _app.StartResourceAsync(name, cancellationToken);
        await _app.WaitForResourceHealthyAsync(name, cancellationToken).WaitAsync(StartTimeout, cancellationToken);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

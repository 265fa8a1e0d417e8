using System.Runtime.InteropServices;
using System.Security.Cryptography;
using WebhookDispatcher.AppHost.Dashboard;
using WebhookDispatcher.AppHost.Hosting.Testing;

namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// The running app model: starts every resource in dependency order, keeps them running, and stops them all in
/// reverse order on Ctrl+C or SIGTERM. The same object serves the AppHost's Program.cs (<see cref="Run"/>),
/// the dashboard (<see cref="ResourceMonitor"/>) and the test harness (Hosting/Testing).
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private static readonly Uri DefaultDashboardUrl = new("http://localhost:18888");
    private static readonly Uri DefaultOtlpHttpUrl = new("http://localhost:18890");

    private readonly Orchestrator _orchestrator;
    private readonly ConsoleEcho _echo;
    private readonly (ExecutableResource? Api, IResourceWithConnectionString? Database) _dashboardData;
    private readonly string _otlpApiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    private readonly Uri? _dashboardUrl;
    private readonly Uri? _otlpHttpUrl;
    private IAsyncDisposable? _dashboard;
    private Watchdog? _watchdog;
    private readonly Lock _stopGate = new();
    private Task? _stopping;
    private bool _started;

    internal DistributedApplication(DistributedApplicationOptions options, IReadOnlyList<Resource> model, (ExecutableResource?, IResourceWithConnectionString?) dashboardData)
    {
        Options = options;
        Model = model;
        Data = new DataDirectory(options.DataDirectory);
        _dashboardData = dashboardData;
        _echo = new ConsoleEcho(options.EchoConsole);

        if (options.DashboardEnabled)
        {
            _dashboardUrl = options.RandomizePorts ? new Uri($"http://localhost:{PortAllocator.GetFreePort()}") : DefaultDashboardUrl;
            _otlpHttpUrl = options.RandomizePorts ? new Uri($"http://localhost:{PortAllocator.GetFreePort()}") : DefaultOtlpHttpUrl;
        }
        var otlp = _otlpHttpUrl is null
            ? null
            : new OtlpSettings(_otlpHttpUrl, _otlpApiKey, string.Equals(options.EnvironmentName, "Development", StringComparison.OrdinalIgnoreCase));

        _orchestrator = new Orchestrator(model, options, Data, _echo, otlp);
        _echo.SetNames(_orchestrator.Instances.Select(i => i.Name));
        ResourceMonitor = new ResourceMonitor(_orchestrator);
    }

    public DistributedApplicationOptions Options { get; }

    /// <summary>The resources the app was built from.</summary>
    public IReadOnlyList<Resource> Model { get; }

    public DataDirectory Data { get; }

    /// <summary>What the dashboard watches and drives.</summary>
    public IResourceMonitor ResourceMonitor { get; }

    /// <summary>
    /// The AppHost's builder: its own switches (<c>--fresh</c>, <c>--data-dir</c>, <c>--no-dashboard</c>) set the
    /// options, the rest of <paramref name="args"/> go to <see cref="DistributedApplicationBuilder.Configuration"/>.
    /// Inside an entry point run by <see cref="DistributedApplicationTestingBuilder"/>, the builder gets that test's
    /// options instead, and goes back to the test at <see cref="DistributedApplicationBuilder.Build"/>.
    /// </summary>
    public static DistributedApplicationBuilder CreateBuilder(string[] args)
    {
        if (DistributedApplicationEntryPointInvoker.Current is { } entryPointInvoker)
        {
            return entryPointInvoker.CreateBuilder(args);
        }
        var options = DistributedApplicationOptions.FromArgs(args, out var remainingArgs);
        return new DistributedApplicationBuilder(options, remainingArgs);
    }

    /// <summary>Runs until Ctrl+C or SIGTERM, then stops everything; a second Ctrl+C kills at once.</summary>
    public void Run() => RunAsync().GetAwaiter().GetResult();

    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signals = 0;
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            if (Interlocked.Increment(ref signals) == 1)
            {
                _echo.Info($"{context.Signal}: stopping everything (press Ctrl+C again to kill at once)");
                shutdown.Cancel();
            }
            else
            {
                _echo.Info("killing everything now");
                _orchestrator.KillAll();
            }
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);

        var running = false;
        try
        {
            await StartAsync(shutdown.Token);
            running = true;
            _ = StartupReport.SummarizeWhenHealthyAsync(_orchestrator, _echo, _dashboardUrl, shutdown.Token)
                .ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
            await Task.Delay(Timeout.Infinite, shutdown.Token);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
        }
        catch (DistributedApplicationException ex)
        {
            _echo.Error(ex.Message);
            Environment.ExitCode = 1;
        }
        finally
        {
            await DisposeAsync();
            if (running)
            {
                _echo.Info("stopped");
            }
        }
    }

    /// <summary>
    /// Gets everything going and returns: resources become healthy in the background (see
    /// <see cref="WaitForResourceHealthyAsync"/>). Throws <see cref="DistributedApplicationException"/> when a
    /// prerequisite is missing or a fixed port is taken, having started nothing.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_started)
        {
            throw new InvalidOperationException("The app has already been started.");
        }
        _started = true;
        try
        {
            if (Executables.Find("setsid") is null)
            {
                throw new DistributedApplicationException("setsid was not found. Install it: apt-get install -y util-linux");
            }
            foreach (var resource in Model.OfType<ExecutableResource>())
            {
                resource.CheckPrerequisites(Data);
            }

            await ChildProcessJournal.ReapOrphans(Data.ChildrenFile, _echo);
            Data.Prepare(Options.Fresh);
            ParameterStore.Resolve(Model.OfType<ParameterResource>(), Data.ParametersFile);
            PortAllocator.AllocateEndpoints(Model.OfType<ExecutableResource>(), Options.RandomizePorts);
            if (_dashboardUrl is not null && _otlpHttpUrl is not null && !Options.RandomizePorts)
            {
                PortAllocator.EnsureFree(_dashboardUrl.Port, "the dashboard");
                PortAllocator.EnsureFree(_otlpHttpUrl.Port, "the dashboard's OTLP endpoint");
            }
            _watchdog = Watchdog.Start(Data.ChildrenFile);

            StartupReport.Starting(_echo, Data, _dashboardUrl);
            if (_dashboardUrl is not null && _otlpHttpUrl is not null)
            {
                var settings = new DashboardSettings(
                    _dashboardUrl,
                    _otlpHttpUrl,
                    _otlpApiKey,
                    _dashboardData.Api?.GetEndpoint("http").GetUrl(),
                    _dashboardData.Database?.GetConnectionString());
                try
                {
                    _dashboard = await DashboardServer.StartAsync(settings, ResourceMonitor, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    throw new DistributedApplicationException($"The dashboard could not start: {ex.Message} (run without it: --no-dashboard)");
                }

                // Exporting to a port nobody listens on costs every service retries, log noise and a slow shutdown.
                if (!await PortAllocator.IsListeningAsync(_otlpHttpUrl.Port, cancellationToken))
                {
                    _echo.Info($"The dashboard receives no telemetry (nothing listens on {_otlpHttpUrl.Port}); the services start without OTLP export.");
                    _orchestrator.Otlp = null;
                }
            }

            _orchestrator.StartAll();
        }
        catch
        {
            await StopAsync();
            throw;
        }
    }

    /// <summary>The dashboard this app started, with the URLs it bound; null when the dashboard is off or not started yet.</summary>
    public RunningDashboard? Dashboard => _dashboard as RunningDashboard;

    /// <summary>Stops every resource in reverse dependency order, then the dashboard. Safe to call more than once.</summary>
    public Task StopAsync()
    {
        lock (_stopGate)
        {
            return _stopping ??= StopCoreAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            await StopAsync();
        }
        if (Options.DeleteDataDirectoryOnDispose)
        {
            Data.Delete();
        }
    }

    public IReadOnlyList<ResourceSnapshot> GetResources() => ResourceMonitor.GetResources();

    /// <summary>One resource, by its own name or, for a single-replica resource, by the resource's name.</summary>
    public ResourceSnapshot GetResource(string name) => Single(name).Snapshot();

    /// <summary>Every change of state or health of the named resource (all its replicas), oldest first.</summary>
    public IReadOnlyList<ResourceEvent> GetResourceEvents(string name) =>
        [.. _orchestrator.Find(name).SelectMany(i => i.Events).OrderBy(e => e.Timestamp)];

    public IReadOnlyList<ConsoleLine> GetConsoleLines(string name) => Single(name).Log.GetLines();

    /// <summary>
    /// Waits until the resource (every replica) is Running and healthy. Without AutoRestart, a process that exits or
    /// fails to start first ends the wait with its last output, rather than letting it run into a timeout.
    /// </summary>
    public Task WaitForResourceHealthyAsync(string name, CancellationToken cancellationToken = default)
    {
        var instances = _orchestrator.Find(name);
        return _orchestrator.Signal.WaitUntilAsync(() =>
        {
            if (instances.All(i => i.IsHealthy))
            {
                return true;
            }
            var failed = instances.FirstOrDefault(i => i.State is ResourceState.Exited or ResourceState.Finished or ResourceState.FailedToStart);
            if (failed is not null && !Options.AutoRestart)
            {
                var tail = failed.Log.GetLines().TakeLast(20).Select(l => "  " + l.Text);
                throw new DistributedApplicationException($"{failed.Name} is {failed.State} (exit code {failed.ExitCode}), so it won't become healthy. Its last output:{Environment.NewLine}{string.Join(Environment.NewLine, tail)}");
            }
            return false;
        }, cancellationToken);
    }

    public Task WaitForAllResourcesHealthyAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAll(_orchestrator.Instances.Select(i => WaitForResourceHealthyAsync(i.Name, cancellationToken)));

    public Task StartResourceAsync(string name, CancellationToken cancellationToken = default) => ResourceMonitor.StartResourceAsync(name, cancellationToken);

    public Task StopResourceAsync(string name, CancellationToken cancellationToken = default) => ResourceMonitor.StopResourceAsync(name, cancellationToken);

    public Task RestartResourceAsync(string name, CancellationToken cancellationToken = default) => ResourceMonitor.RestartResourceAsync(name, cancellationToken);

    /// <summary>
    /// SIGKILLs the resource's process (every replica's, for a replicated resource's name) and returns once the exit
    /// is recorded. Whether it comes back follows <see cref="DistributedApplicationOptions.AutoRestart"/>, unless
    /// <paramref name="restart"/> says otherwise for this kill.
    /// </summary>
    public Task KillResourceAsync(string name, bool? restart = null) =>
        Task.WhenAll(_orchestrator.Find(name).Select(i => i.KillAsync(restart)));

    /// <summary>An endpoint's URL: a replica's own by its name (worker-1), the first replica's by the resource's name.</summary>
    public Uri GetEndpoint(string name, string endpointName = "http")
    {
        var instance = _orchestrator.Find(name)[0] as ProcessInstance
            ?? throw new ArgumentException($"{name} runs no process, so it has no endpoints.", nameof(name));
        return instance.Executable.GetEndpoint(endpointName).GetUrl(instance.Replica);
    }

    public string GetConnectionString(string name) =>
        Model.OfType<IResourceWithConnectionString>().FirstOrDefault(r => r.Name == name)?.GetConnectionString()
        ?? throw new ArgumentException($"The app has no resource named '{name}' with a connection string.", nameof(name));

    private ResourceInstance Single(string name) => _orchestrator.Find(name) switch
    {
        [var instance] => instance,
        var several => throw new ArgumentException($"{name} has {several.Count} replicas; name one: {string.Join(", ", several.Select(i => i.Name))}.", nameof(name)),
    };

    private async Task StopCoreAsync()
    {
        await _orchestrator.StopAllAsync();
        if (_dashboard is not null)
        {
            await _dashboard.DisposeAsync();
        }
        if (_watchdog is not null)
        {
            await _watchdog.DisposeAsync();
        }
        foreach (var instance in _orchestrator.Instances)
        {
            instance.Log.Dispose();
        }
    }
}

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace WebhookDispatcher.Bench.Hosting;

/// <summary>
/// One run of the AppHost's own app model (its Program.cs) under Aspire.Hosting.Testing, as the tests, the bench
/// and the soak start it: PostgreSQL and Redis from local binaries with a throwaway data directory, every port
/// randomized, so runs side by side never clash. Disposing stops everything and deletes the data directory.
/// </summary>
public sealed class AppHostRun : IAsyncDisposable
{
    private AppHostRun(IDistributedApplicationTestingBuilder builder, string dataDirectory, string? dashboardToken)
    {
        Builder = builder;
        DataDirectory = dataDirectory;
        _dashboardToken = dashboardToken;
    }

    /// <summary>The model, to add to before <see cref="StartAsync"/> (a test's extra environment, say).</summary>
    public IDistributedApplicationTestingBuilder Builder { get; }

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The app has not been started.");

    public string DataDirectory { get; }

    /// <summary>The running instances of each resource, and the levers to stop, start and kill them.</summary>
    public ResourceInstances Resources => _resources ?? throw new InvalidOperationException("The app has not been started.");

    private DistributedApplication? _app;
    private ResourceInstances? _resources;

    /// <summary>
    /// The Aspire dashboard's address and the token its login link carries, when the run has one and has started.
    /// The address is the one Aspire allocated: with randomized ports, its proxy listens on a port of its own
    /// choosing, whatever port the dashboard was asked to use.
    /// </summary>
    public (Uri Url, string BrowserToken)? Dashboard =>
        _dashboardToken is null ? null : (App.GetEndpoint(DashboardResourceName, "http"), _dashboardToken);

    private const string DashboardResourceName = "aspire-dashboard";

    private readonly string? _dashboardToken;

    /// <param name="args">The AppHost's command line (e.g. --workers 2); --infrastructure and --data-dir are added unless given.</param>
    /// <param name="dashboard">Run the Aspire dashboard too (on free ports), with the services exporting telemetry to it.</param>
    public static async Task<AppHostRun> CreateAsync(IEnumerable<string> args, CancellationToken cancellationToken = default, bool dashboard = false)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("webhook-dispatcher-").FullName;
        var all = args.ToList();
        if (!all.Contains("--infrastructure"))
        {
            all.AddRange(["--infrastructure", "local"]);
        }
        all.AddRange(["--data-dir", dataDirectory, "--DcpPublisher:RandomizePorts=true"]);
        string? dashboardToken = null;
        if (dashboard)
        {
            dashboardToken = Guid.NewGuid().ToString("N");
            // Plain http on loopback, with no certificate to trust; the ports only keep clear of a dashboard already
            // running (Aspire puts its own proxy in front of each, on a port it allocates: see Dashboard).
            all.AddRange([
                $"--ASPNETCORE_URLS=http://127.0.0.1:{NativeProcess.FreePort()}",
                $"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:{NativeProcess.FreePort()}",
                $"--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://127.0.0.1:{NativeProcess.FreePort()}",
                "--ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
                $"--AppHost:BrowserToken={dashboardToken}",
            ]);
        }
        try
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.WebhookDispatcher_AppHost>(
                [.. all], (options, _) => options.DisableDashboard = !dashboard, cancellationToken);
            if (!dashboard)
            {
                // Without the dashboard nothing receives telemetry, yet Aspire still points the services at an OTLP
                // endpoint; their exporters would then retry at every shutdown, past the orchestrator's stop timeout.
                foreach (var project in builder.Resources.OfType<ProjectResource>())
                {
                    builder.CreateResourceBuilder(project).WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", "");
                }
            }
            return new AppHostRun(builder, dataDirectory, dashboardToken);
        }
        catch
        {
            Directory.Delete(dataDirectory, recursive: true);
            throw;
        }
    }

    /// <summary>Builds and starts the app, and waits until every resource is running and healthy.</summary>
    public async Task<DistributedApplication> StartAsync(CancellationToken cancellationToken = default)
    {
        _app = await Builder.BuildAsync(cancellationToken);
        _resources = new ResourceInstances(_app);
        try
        {
            await _app.StartAsync(cancellationToken).WaitAsync(ResourceInstances.DefaultTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The app did not start in {ResourceInstances.DefaultTimeout}:{Environment.NewLine}{await _resources.DescribeUnhealthyAsync()}");
        }
        await _resources.WaitForAllHealthyAsync(ResourceInstances.DefaultTimeout, cancellationToken);
        return _app;
    }

    public async ValueTask DisposeAsync()
    {
        _resources?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        else
        {
            await Builder.DisposeAsync();
        }
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A server still closing a file; the directory is under the system's temp and goes with it.
        }
    }
}

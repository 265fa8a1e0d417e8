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
    private readonly bool _ownsDataDirectory;
    private readonly bool _withDashboard;

    private AppHostRun(IDistributedApplicationTestingBuilder builder, string dataDirectory, bool ownsDataDirectory, bool withDashboard)
    {
        Builder = builder;
        DataDirectory = dataDirectory;
        _ownsDataDirectory = ownsDataDirectory;
        _withDashboard = withDashboard;
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
    /// The Aspire dashboard's address and the token its login link carries ({Url}/login?t={token}), once a run with
    /// a dashboard has started; null for a run without one.
    /// </summary>
    public (Uri Url, string BrowserToken)? Dashboard { get; private set; }

    /// <param name="args">
    /// The AppHost's command line (e.g. --workers 2); --infrastructure local and a throwaway --data-dir are added
    /// unless given. A --data-dir given is the caller's, and outlives the run.
    /// </param>
    /// <param name="dashboard">Run the Aspire dashboard too (on free ports), with the services exporting telemetry to it.</param>
    public static async Task<AppHostRun> CreateAsync(IEnumerable<string> args, CancellationToken cancellationToken = default, bool dashboard = false)
    {
        var all = args.ToList();
        if (!all.Contains("--infrastructure"))
        {
            all.AddRange(["--infrastructure", "local"]);
        }
        var given = all.IndexOf("--data-dir");
        var ownsDataDirectory = given < 0;
        var dataDirectory = ownsDataDirectory ? Directory.CreateTempSubdirectory("webhook-dispatcher-").FullName : all[given + 1];
        if (ownsDataDirectory)
        {
            all.AddRange(["--data-dir", dataDirectory]);
        }
        all.Add("--DcpPublisher:RandomizePorts=true");
        try
        {
            // Aspire's own dashboard testing: loopback endpoints on ports it allocates, and a browser token generated
            // for this run (GetDashboardUrlAsync hands it back in the login link).
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.WebhookDispatcher_AppHost>(
                new DistributedApplicationTestingBuilderOptions { EnableDashboard = dashboard }, [.. all], cancellationToken);
            if (!dashboard)
            {
                // Without the dashboard nothing receives telemetry, yet Aspire still points the services at an OTLP
                // endpoint; their exporters would then retry at every shutdown, past the orchestrator's stop timeout.
                foreach (var project in builder.Resources.OfType<ProjectResource>())
                {
                    builder.CreateResourceBuilder(project).WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", "");
                }
            }
            return new AppHostRun(builder, dataDirectory, ownsDataDirectory, dashboard);
        }
        catch
        {
            if (ownsDataDirectory)
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
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
        if (_withDashboard)
        {
            Dashboard = await DashboardAccessAsync(_app, cancellationToken);
        }
        return _app;
    }

    /// <summary>The dashboard's address and token, from the login link Aspire gives once the dashboard is healthy.</summary>
    private static async Task<(Uri Url, string BrowserToken)> DashboardAccessAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ResourceInstances.DefaultTimeout);
        var login = await app.GetDashboardUrlAsync(deadline.Token);
        var token = System.Web.HttpUtility.ParseQueryString(login.Query)["t"]
            ?? throw new InvalidOperationException($"The dashboard's login link {login.GetLeftPart(UriPartial.Path)} carries no token.");
        return (new Uri(login.GetLeftPart(UriPartial.Authority)), token);
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
            if (_ownsDataDirectory)
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A server still closing a file; the directory is under the system's temp and goes with it.
        }
    }
}

using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using WebhookDispatcher.AppHost.Dashboard;
using WebhookDispatcher.AppHost.Hosting;

namespace WebhookDispatcher.Tests.Dashboard;

/// <summary>
/// One dashboard (random ports, fake app model, fake Api, telemetry fed through its OTLP endpoint) and one headless
/// Chromium for the browser tests. Needs Debian's chromium and chromium-driver packages.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ApiKey = "browser-test-key";
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string ChromeDriverPath = "/usr/bin/chromedriver";
    private readonly string _profile = Path.Combine(Path.GetTempPath(), $"dashboard-chromium-{Guid.NewGuid():N}");

    public FakeResourceMonitor Resources { get; } = new();

    public FakeApi Api { get; private set; } = null!;

    public RunningDashboard Dashboard { get; private set; } = null!;

    public SyntheticTelemetry Telemetry { get; private set; } = null!;

    public ChromeDriver Driver { get; private set; } = null!;

    /// <summary>Where the screenshots go: test-output/dashboard beside the test assembly.</summary>
    public string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "test-output", "dashboard");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath) || !File.Exists(ChromeDriverPath))
        {
            throw new InvalidOperationException(
                $"The browser tests need Chromium and its driver at {ChromiumPath} and {ChromeDriverPath}: apt-get install -y chromium chromium-driver");
        }
        Directory.CreateDirectory(ScreenshotFolder);

        SeedResources();
        Api = await FakeApi.StartAsync();
        var settings = new DashboardSettings(new Uri("http://127.0.0.1:0"), new Uri("http://127.0.0.1:0"), ApiKey, Api.BaseUrl, null);
        Dashboard = (RunningDashboard)await DashboardServer.StartAsync(settings, Resources, CancellationToken.None);

        Telemetry = new SyntheticTelemetry(Dashboard.OtlpHttpUrl, ApiKey);
        Telemetry.SendPaymentEventTrace();
        Telemetry.SendBackgroundTraces();
        await Telemetry.SendMetricHistoryAsync();
        Api.Traceparent = Telemetry.IngestionTraceparent;

        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriverPath)!, Path.GetFileName(ChromeDriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments(
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1440,900", $"--user-data-dir={_profile}");
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        Driver?.Quit();
        Driver?.Dispose();
        if (Dashboard is not null)
        {
            await Dashboard.DisposeAsync();
        }
        if (Api is not null)
        {
            await Api.DisposeAsync();
        }
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still hold a file for a moment; the temp folder is cleaned by the OS.
        }
    }

    private void SeedResources()
    {
        var started = DateTimeOffset.UtcNow.AddMinutes(-4);
        Resources.Set(new ResourceSnapshot("postgres", "Executable", ResourceState.Running, ResourceHealth.Healthy, started, 4101, [new Uri("tcp://localhost:54329")], 0, null));
        Resources.Set(new ResourceSnapshot("redis", "Executable", ResourceState.Running, ResourceHealth.Healthy, started, 4102, [new Uri("tcp://localhost:63790")], 0, null));
        Resources.Set(new ResourceSnapshot("api", "Project", ResourceState.Running, ResourceHealth.Healthy, started.AddSeconds(3), 4180, [new Uri("http://localhost:3000")], 0, null));
        Resources.Set(new ResourceSnapshot("worker", "Project", ResourceState.Running, ResourceHealth.Healthy, started.AddSeconds(3), 4181, [], 0, null));
        Resources.Set(new ResourceSnapshot("mockreceiver", "Project", ResourceState.Running, ResourceHealth.Degraded, started.AddSeconds(2), 4170, [new Uri("http://localhost:4000")], 0, null));
        Resources.WriteLine("api", "info: Microsoft.Hosting.Lifetime[14] Now listening on: http://localhost:3000");
        Resources.WriteLine("api", "info: WebhookDispatcher.Api.Ingestion.EventIngestion[0] Accepted event 4b7f0c1e-5d2a-4f8e-9a61-2c3d4e5f6a7b");
        Resources.WriteLine("api", "warn: WebhookDispatcher.Api.Ingestion.WakeUpPublisher[0] Redis publish took 120 ms", isError: true);
        Resources.WriteLine("worker", "info: WebhookDispatcher.Worker.Services.DeliveryWorker[0] Claimed 1 delivery");
    }
}

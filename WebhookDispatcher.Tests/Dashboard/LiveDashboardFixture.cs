using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenQA.Selenium.Chrome;
using WebhookDispatcher.AppHost;
using WebhookDispatcher.AppHost.Dashboard;
using WebhookDispatcher.AppHost.Hosting;
using WebhookDispatcher.AppHost.Hosting.Testing;

namespace WebhookDispatcher.Tests.Dashboard;

/// <summary>
/// The whole system, started once through the AppHost's app model WITH its dashboard (free ports for the browser UI
/// and the OTLP receiver, which the services export to), plus one headless Chromium, for the live dashboard tests.
/// The MockReceiver accepts everything; retries are fast and a delivery dies after three attempts, so a test sees
/// one die in a few seconds.
/// </summary>
public sealed class LiveDashboardFixture : IAsyncLifetime
{
    /// <summary>Generous: two shared cores start PostgreSQL, Redis and three .NET services at once.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    /// <summary>How long a page or the system may take to show something: telemetry is exported every second, pages poll every 2-3 s.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    /// <summary>The payment seed's shape, as the issue asks.</summary>
    public static readonly object PaymentEvent = new { merchantId = "merchant_123", amount = 4999, currency = "INR", transactionId = "txn_001" };

    private readonly SemaphoreSlim _deliveredGate = new(1, 1);
    private Guid? _deliveredEventId;
    private HeadlessChromium? _browser;
    private int _disposed;

    public DistributedApplication App { get; private set; } = null!;

    public RunningDashboard Dashboard { get; private set; } = null!;

    public HttpClient Api { get; private set; } = null!;

    public HttpClient Receiver { get; private set; } = null!;

    public ChromeDriver Driver => _browser!.Driver;

    /// <summary>test-output/dashboard-live beside the test assembly.</summary>
    public string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "test-output", "dashboard-live");

    /// <summary>The only place the app is created: the AppHost's own model, with the dashboard on (on free ports).</summary>
    private static async Task<DistributedApplication> CreateAppAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.WebhookDispatcher_AppHost>(
            ["--receiver-failure-rate", "0", "--receiver-hang-rate", "0"],
            options => options.DashboardEnabled = true);
        var worker = builder.CreateResourceBuilder<ProjectResource>("worker");
        foreach (var (name, value) in FastRetries)
        {
            worker.WithEnvironment(name, value);
        }
        return builder.Build();
    }

    /// <summary>Attempts before a delivery is dead: three rather than eight, so one dies in a few seconds.</summary>
    public const int MaxAttempts = 3;

    /// <summary>
    /// EngineAppFixture's fast retries, but a 5 s attempt timeout (and a lease over twice that, as the Worker insists)
    /// so a slow first attempt on a busy machine doesn't turn into a retry the tests don't expect.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> FastRetries = new Dictionary<string, string>
    {
        ["Dispatcher__BaseDelay"] = "00:00:00.100",
        ["Dispatcher__MaxDelay"] = "00:00:01",
        ["Dispatcher__AttemptTimeout"] = "00:00:05",
        ["Dispatcher__LeaseDuration"] = "00:00:12",
        ["Dispatcher__PollInterval"] = "00:00:01",
        ["Dispatcher__ShutdownGracePeriod"] = "00:00:02",
        ["Dispatcher__MaxAttempts"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public async Task InitializeAsync()
    {
        try
        {
            Directory.CreateDirectory(ScreenshotFolder);
            App = await CreateAppAsync();
            await App.StartAsync();
            await WaitUntilHealthyAsync();
            Dashboard = RunningDashboardOf(App);
            Api = App.CreateHttpClient("api");
            Receiver = App.CreateHttpClient("mockreceiver");
            _browser = HeadlessChromium.Start(TimeSpan.FromSeconds(60));
        }
        catch
        {
            // xunit does not dispose a fixture whose start failed: stop whatever did start.
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        try
        {
            _browser?.Dispose();
        }
        finally
        {
            Api?.Dispose();
            Receiver?.Dispose();
            if (App is not null)
            {
                await App.DisposeAsync();
            }
        }
    }

    public Uri DashboardUrl(string path) => new(Dashboard.BrowserUrl, path);

    public void Screenshot(string name) => _browser!.Screenshot(Path.Combine(ScreenshotFolder, name + ".png"));

    /// <summary>One payment event, posted and delivered once for every test that needs a delivered event.</summary>
    public async Task<Guid> DeliveredEventAsync()
    {
        await _deliveredGate.WaitAsync();
        try
        {
            if (_deliveredEventId is null)
            {
                var id = await PostEventAsync(PaymentEvent);
                await EventuallyAsync(async () => await StatusOfAsync(id) == "delivered", $"event {id} is delivered");
                _deliveredEventId = id;
            }
            return _deliveredEventId.Value;
        }
        finally
        {
            _deliveredGate.Release();
        }
    }

    public async Task<Guid> PostEventAsync(object body)
    {
        using var response = await Api.PostAsJsonAsync("/events", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /events: 202 expected, got {(int)response.StatusCode}: {text}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("id").GetGuid();
    }

    public async Task<string?> StatusOfAsync(Guid id)
    {
        using var status = await Api.GetFromJsonAsync<JsonDocument>($"/status/{id}");
        return status!.RootElement.GetProperty("status").GetString();
    }

    /// <summary>Polls until <paramref name="condition"/> holds, or fails the test after <see cref="Patience"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Patience);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout ?? Patience} waiting until {what}.");
            }
            await Task.Delay(250);
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        try
        {
            await App.WaitForAllResourcesHealthyAsync().WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            var unhealthy = App.GetResources().Where(r => r.State != ResourceState.Running || r.Health is not (null or ResourceHealth.Healthy));
            var report = unhealthy.Select(r => $"{r.Name}: {r.State} {r.Health}{Environment.NewLine}" +
                string.Join(Environment.NewLine, App.GetConsoleLines(r.Name).TakeLast(15).Select(l => "    " + l.Text)));
            throw new TimeoutException($"Not healthy after {StartTimeout}:{Environment.NewLine}{string.Join(Environment.NewLine, report)}");
        }
    }

    private static RunningDashboard RunningDashboardOf(DistributedApplication app) =>
        app.Dashboard ?? throw new InvalidOperationException("The app started no dashboard: is DashboardEnabled on?");
}

/// <summary>The live dashboard tests share one running system and one browser, and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class LiveDashboardCollection : ICollectionFixture<LiveDashboardFixture>
{
    public const string Name = "LiveDashboard";
}

using WebhookDispatcher.AppHost.Dashboard;

namespace WebhookDispatcher.Tests.Dashboard;

/// <summary>A dashboard on random loopback ports, with a fake app model, for one test class.</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string ApiKey = "test-otlp-key";

    public FakeResourceMonitor Resources { get; } = new();

    public RunningDashboard Dashboard { get; private set; } = null!;

    /// <summary>Null unless a test class starts a fake Api and passes its URL.</summary>
    public Uri? ApiBaseUrl { get; init; }

    public async Task InitializeAsync()
    {
        var settings = new DashboardSettings(new Uri("http://127.0.0.1:0"), new Uri("http://127.0.0.1:0"), ApiKey, ApiBaseUrl, null);
        Dashboard = (RunningDashboard)await DashboardServer.StartAsync(settings, Resources, CancellationToken.None);
    }

    public async Task DisposeAsync() => await Dashboard.DisposeAsync();
}

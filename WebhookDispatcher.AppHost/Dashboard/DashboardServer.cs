using WebhookDispatcher.AppHost.Hosting;

namespace WebhookDispatcher.AppHost.Dashboard;

/// <summary>
/// Starts the dashboard (browser UI and OTLP receiver) inside the AppHost process.
/// Placeholder until the dashboard lands: it starts nothing.
/// </summary>
public static class DashboardServer
{
    public static Task<IAsyncDisposable> StartAsync(DashboardSettings settings, IResourceMonitor resources, CancellationToken cancellationToken)
    {
        _ = settings;
        _ = resources;
        _ = cancellationToken;
        return Task.FromResult<IAsyncDisposable>(new Nothing());
    }

    private sealed class Nothing : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

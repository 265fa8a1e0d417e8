using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using WebhookDispatcher.AppHost.Dashboard.Telemetry;

namespace WebhookDispatcher.AppHost.Dashboard;

/// <summary>
/// The dashboard's two web servers while they run. <see cref="DashboardServer.StartAsync"/> returns it as an
/// <see cref="IAsyncDisposable"/>; tests cast it to read the bound addresses (when started on port 0) and the store.
/// </summary>
public sealed class RunningDashboard : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);
    private readonly WebApplication _browser;
    private readonly WebApplication _otlp;
    private int _disposed;

    internal RunningDashboard(WebApplication browser, WebApplication otlp, TelemetryStore telemetry)
    {
        _browser = browser;
        _otlp = otlp;
        Telemetry = telemetry;
        BrowserUrl = BoundAddress(browser);
        OtlpHttpUrl = BoundAddress(otlp);
    }

    /// <summary>Where the browser UI actually listens (the real port when started on port 0).</summary>
    public Uri BrowserUrl { get; }

    /// <summary>Where the OTLP/HTTP receiver actually listens.</summary>
    public Uri OtlpHttpUrl { get; }

    public TelemetryStore Telemetry { get; }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await StopAsync(_browser);
        await StopAsync(_otlp);
    }

    internal static async Task StopAsync(WebApplication app)
    {
        // Stopping is best effort: the AppHost is shutting down, and a slow circuit must not hold it up.
        try
        {
            using var timeout = new CancellationTokenSource(StopTimeout);
            await app.StopAsync(timeout.Token);
        }
        catch (Exception)
        {
            // Already stopped, or never started: nothing more to do.
        }
        try
        {
            await app.DisposeAsync();
        }
        catch (Exception)
        {
            // Disposal errors at shutdown have no one to report to.
        }
    }

    private static Uri BoundAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("The server reports no address.");
        return new Uri(first.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal));
    }
}

using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using WebhookDispatcher.AppHost.Dashboard.Telemetry;
using WebhookDispatcher.AppHost.Hosting;

namespace WebhookDispatcher.AppHost.Dashboard;

/// <summary>
/// Starts the dashboard inside the AppHost process: the browser UI at <see cref="DashboardSettings.BrowserUrl"/> and
/// the OTLP/HTTP receiver at <see cref="DashboardSettings.OtlpHttpUrl"/>, two Kestrel servers sharing one in-memory
/// telemetry store. Disposing the result stops both.
/// </summary>
public static class DashboardServer
{
    /// <returns>A <see cref="RunningDashboard"/>.</returns>
    /// <exception cref="DashboardStartException">A port is taken or an address can't be bound; the message names it.</exception>
    public static async Task<IAsyncDisposable> StartAsync(DashboardSettings settings, IResourceMonitor resources, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(resources);
        if (string.IsNullOrEmpty(settings.OtlpApiKey))
        {
            throw new DashboardStartException("The dashboard needs an OTLP API key (DashboardSettings.OtlpApiKey); without one anyone could write telemetry into it.");
        }

        var telemetry = new TelemetryStore();
        var otlp = OtlpReceiverHost.Build(settings.OtlpHttpUrl, settings.OtlpApiKey, telemetry);
        WebApplication? browser = null;
        try
        {
            await StartAsync(otlp, settings.OtlpHttpUrl, "OTLP receiver", cancellationToken);
            browser = DashboardUiHost.Build(settings, resources, telemetry);
            await StartAsync(browser, settings.BrowserUrl, "dashboard", cancellationToken);
            return new RunningDashboard(browser, otlp, telemetry);
        }
        catch
        {
            if (browser is not null)
            {
                await RunningDashboard.StopAsync(browser);
            }
            await RunningDashboard.StopAsync(otlp);
            throw;
        }
    }

    private static async Task StartAsync(WebApplication app, Uri url, string what, CancellationToken cancellationToken)
    {
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (IsBindFailure(ex))
        {
            throw new DashboardStartException(
                $"The {what} could not listen on {url}: {Innermost(ex).Message} Another AppHost (or another program) may be using port {url.Port}; stop it, or free the port, and start again.",
                ex);
        }
    }

    private static bool IsBindFailure(Exception ex) =>
        ex is IOException or AddressInUseException or SocketException or InvalidOperationException { InnerException: IOException or SocketException };

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }
        return ex;
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using WebhookDispatcher.AppHost.Dashboard.Components;
using WebhookDispatcher.AppHost.Dashboard.Deliveries;
using WebhookDispatcher.AppHost.Dashboard.Telemetry;
using WebhookDispatcher.AppHost.Hosting;

namespace WebhookDispatcher.AppHost.Dashboard;

/// <summary>The browser UI's web server: Blazor components rendered interactively on the server, updated live over its circuit.</summary>
internal static class DashboardUiHost
{
    public static WebApplication Build(DashboardSettings settings, IResourceMonitor resources, TelemetryStore telemetry)
    {
        var builder = DashboardWebHost.CreateBuilder(settings.BrowserUrl);

        // blazor.web.js is a static web asset of the framework; outside Development the host doesn't map them on its own.
        builder.WebHost.UseStaticWebAssets();

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(resources);
        builder.Services.AddSingleton(telemetry);
        builder.Services.AddHttpClient<DeliveriesClient>(http =>
        {
            http.BaseAddress = settings.ApiBaseUrl;
            http.Timeout = TimeSpan.FromSeconds(10);
        });

        var app = builder.Build();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapGet("/dashboard.css", () => DashboardAssets.Css());
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}

using Microsoft.AspNetCore.Builder;
using WebhookDispatcher.AppHost.Dashboard.Otlp;
using WebhookDispatcher.AppHost.Dashboard.Telemetry;

namespace WebhookDispatcher.AppHost.Dashboard;

/// <summary>The OTLP/HTTP web server: nothing but the three export routes.</summary>
internal static class OtlpReceiverHost
{
    public static WebApplication Build(Uri url, string apiKey, TelemetryStore telemetry)
    {
        var builder = DashboardWebHost.CreateBuilder(url);
        var app = builder.Build();
        app.MapOtlpHttpApi(telemetry, apiKey);
        return app;
    }
}

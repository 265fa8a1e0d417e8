using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace WebhookDispatcher.AppHost.Dashboard;

/// <summary>
/// Builders for the dashboard's web servers, isolated from the AppHost's own configuration: the AppHost process may
/// carry ASPNETCORE_URLS, Kestrel endpoints or appsettings meant for something else, and the dashboard must listen
/// only where its settings say.
/// </summary>
internal static class DashboardWebHost
{
    public static WebApplicationBuilder CreateBuilder(Uri url)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            // Razor components and static web assets are looked up by the assembly that holds them.
            ApplicationName = typeof(DashboardServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // The AppHost's console belongs to the resources' lifecycle; the dashboard only speaks up when something is wrong.
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(options => options.SingleLine = true);

        builder.WebHost.UseUrls(url.GetLeftPart(UriPartial.Authority));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = Otlp.OtlpRequestReader.DefaultMaxBodyBytes + 1024;
        });
        return builder;
    }
}

using Microsoft.AspNetCore.Http;

namespace WebhookDispatcher.AppHost.Dashboard;

/// <summary>
/// The dashboard's stylesheet, embedded in the assembly: it then needs no wwwroot and no static-asset manifest,
/// wherever the AppHost runs from (bin, publish, or a test's output folder).
/// </summary>
internal static class DashboardAssets
{
    private static readonly Lazy<byte[]> Stylesheet = new(() => Read("Dashboard.Assets.dashboard.css"));

    public static IResult Css() => Results.Bytes(Stylesheet.Value, "text/css; charset=utf-8");

    private static byte[] Read(string name)
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded resource {name} is missing from the build.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}

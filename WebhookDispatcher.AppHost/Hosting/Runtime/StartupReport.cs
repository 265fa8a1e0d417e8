using System.Diagnostics;

namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>What the AppHost's terminal says about the app as a whole: where to look, and when everything is up.</summary>
internal static class StartupReport
{
    private static readonly TimeSpan SlowStart = TimeSpan.FromSeconds(60);

    public static void Starting(ConsoleEcho echo, DataDirectory data, Uri? dashboard)
    {
        echo.Info(dashboard is null ? "Dashboard: off" : $"Dashboard: {Display(dashboard)}");
        echo.Info($"Data: {data.Root} (console logs in {data.Logs})");
    }

    /// <summary>Prints a summary once every resource is healthy; says what it is still waiting for if that takes long.</summary>
    public static async Task SummarizeWhenHealthyAsync(Orchestrator orchestrator, ConsoleEcho echo, Uri? dashboard, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var allHealthy = orchestrator.Signal.WaitUntilAsync(() => orchestrator.Instances.All(i => i.IsHealthy), cancellationToken);
        if (await Task.WhenAny(allHealthy, Task.Delay(SlowStart, cancellationToken)) != allHealthy)
        {
            var waiting = orchestrator.Instances.Where(i => !i.IsHealthy).Select(i => $"{i.Name} ({i.State}{(i.Health is { } h ? ", " + h : "")})");
            echo.Info($"Still waiting for: {string.Join(", ", waiting)}. Their output is in the lines above and in {orchestrator.Data.Logs}.");
        }
        await allHealthy;

        echo.Info($"All {orchestrator.Instances.Count} resources are healthy ({stopwatch.Elapsed.TotalSeconds:0.0} s):");
        var width = orchestrator.Instances.Max(i => i.Name.Length);
        foreach (var snapshot in orchestrator.Instances.Select(i => i.Snapshot()))
        {
            var endpoints = string.Join(" ", snapshot.Endpoints.Select(Display));
            var pid = snapshot.ProcessId is { } id ? $"pid {id}" : "";
            echo.Info($"  {snapshot.Name.PadRight(width)}  {snapshot.Type,-16}  {endpoints,-24}  {pid}");
        }
        if (dashboard is not null)
        {
            echo.Info($"Dashboard: {Display(dashboard)}");
        }
        echo.Info("Press Ctrl+C to stop everything.");
    }

    private static string Display(Uri url) => url.ToString().TrimEnd('/');
}

using System.Runtime.InteropServices;

namespace WebhookDispatcher.Bench.Reporting;

/// <summary>What the figures were measured on, including how busy the machine was (other work skews them).</summary>
public static class MachineFacts
{
    /// <summary>The 1, 5 and 15 minute load averages, as uptime prints them.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public static MachineInfo Describe(string loadBefore) => new(
        Environment.MachineName,
        Environment.ProcessorCount,
        Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        Commit(),
        loadBefore,
        LoadAverage());

    private static string? Commit()
    {
        try
        {
            var root = typeof(MachineFacts).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
                .Cast<System.Reflection.AssemblyMetadataAttribute>().First(a => a.Key == "RepositoryRoot").Value!;
            var output = Hosting.NativeProcess.RunAsync("git", ["-C", root, "rev-parse", "--short", "HEAD"]).GetAwaiter().GetResult();
            return output.Trim();
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}

using System.Reflection;
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

    /// <summary>Said of the commit when git can't tell (not installed, not a repository, or too slow).</summary>
    public const string UnknownCommit = "unknown";

    // rev-parse answers in milliseconds; anything slower is git waiting on something, and the report must not.
    private static readonly TimeSpan GitTimeout = TimeSpan.FromSeconds(5);

    public static async Task<MachineInfo> DescribeAsync(string loadBefore, CancellationToken cancellationToken = default) => new(
        Environment.MachineName,
        Environment.ProcessorCount,
        Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        await CommitAsync(cancellationToken),
        loadBefore,
        LoadAverage());

    /// <summary>The short hash of the commit measured, or <see cref="UnknownCommit"/>.</summary>
    public static async Task<string> CommitAsync(CancellationToken cancellationToken = default)
    {
        var root = typeof(MachineFacts).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (root is null)
        {
            return UnknownCommit;
        }
        var output = await BoundedCommand.OutputAsync("git", ["-C", root, "rev-parse", "--short", "HEAD"], GitTimeout, cancellationToken);
        return string.IsNullOrWhiteSpace(output) ? UnknownCommit : output.Trim();
    }
}

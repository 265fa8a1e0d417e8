using System.Globalization;
using WebhookDispatcher.AppHost.Hosting;

namespace WebhookDispatcher.Tests.AppHost;

/// <summary>The machine's processes as /proc lists them, to tell which belong to an app and whether any outlived it.</summary>
internal static class ProcessTable
{
    /// <summary>
    /// Every process of the app: each resource's process, what it started (PostgreSQL's backends), and anything whose
    /// command line names the app's data directory (the watchdog, PostgreSQL, Redis's config).
    /// </summary>
    public static IReadOnlySet<int> ProcessesOf(DistributedApplication app)
    {
        var roots = app.GetResources().Select(r => r.ProcessId).OfType<int>().ToHashSet();
        var processes = new HashSet<int>(roots);
        foreach (var (pid, parent, group) in All())
        {
            if (roots.Contains(parent) || roots.Contains(group) || CommandLine(pid).Contains(app.Data.Root, StringComparison.Ordinal))
            {
                processes.Add(pid);
            }
        }
        return processes;
    }

    /// <summary>Alive: listed in /proc and not a zombie waiting to be reaped.</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')')..].Split(' ')[1] != "Z";
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The environment a process was started with (/proc/&lt;pid&gt;/environ).</summary>
    public static IReadOnlyDictionary<string, string> Environment(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ")
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0])
            .ToDictionary(g => g.Key, g => g.Last()[1]);

    private static IEnumerable<(int Pid, int Parent, int Group)> All()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            string[] fields;
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            }
            catch (IOException)
            {
                continue;
            }
            yield return (pid, int.Parse(fields[1], CultureInfo.InvariantCulture), int.Parse(fields[2], CultureInfo.InvariantCulture));
        }
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }
}

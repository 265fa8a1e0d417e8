namespace WebhookDispatcher.Bench.Hosting;

/// <summary>
/// CPU time of processes from /proc/&lt;pid&gt;/stat (user + system, in clock ticks of 1/100 s), so each process's
/// share of a scenario can be reported as cores used: CPU seconds over wall seconds.
/// </summary>
internal static class ProcessCpu
{
    private const double TicksPerSecond = 100.0; // sysconf(_SC_CLK_TCK) on Linux

    public readonly record struct Stat(int ParentId, double CpuSeconds);

    public static Stat? ReadStat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // The command name is in parentheses and may hold spaces: fields are counted after the last ')'.
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] = state (field 3); ppid = field 4, utime = 14, stime = 15.
            var ppid = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
            var utime = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture);
            var stime = long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
            return new Stat(ppid, (utime + stime) / TicksPerSecond);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>CPU seconds used so far by each role's processes (those gone since are simply not counted).</summary>
    public static Dictionary<string, Dictionary<int, double>> Snapshot(IEnumerable<(string Role, IReadOnlyList<int> ProcessIds)> processes)
    {
        var snapshot = new Dictionary<string, Dictionary<int, double>>();
        foreach (var (role, pids) in processes)
        {
            var perPid = snapshot.TryGetValue(role, out var existing) ? existing : snapshot[role] = [];
            foreach (var pid in pids)
            {
                if (ReadStat(pid) is { } stat)
                {
                    perPid[pid] = stat.CpuSeconds;
                }
            }
        }
        return snapshot;
    }

    /// <summary>CPU seconds used by each role between two snapshots (a process born in between counts from zero).</summary>
    public static Dictionary<string, double> CpuSeconds(Dictionary<string, Dictionary<int, double>> before,
        Dictionary<string, Dictionary<int, double>> after)
    {
        var seconds = new Dictionary<string, double>();
        foreach (var (role, perPid) in after)
        {
            var used = 0.0;
            foreach (var (pid, total) in perPid)
            {
                var start = before.TryGetValue(role, out var b) && b.TryGetValue(pid, out var s) ? s : 0;
                used += Math.Max(0, total - start);
            }
            seconds[role] = used;
        }
        return seconds;
    }

    /// <summary>Cores used by each role between two snapshots (a process born in between counts from zero).</summary>
    public static Dictionary<string, double> CoresUsed(Dictionary<string, Dictionary<int, double>> before,
        Dictionary<string, Dictionary<int, double>> after, TimeSpan elapsed)
    {
        var cores = new Dictionary<string, double>();
        foreach (var (role, perPid) in after)
        {
            var used = 0.0;
            foreach (var (pid, seconds) in perPid)
            {
                var start = before.TryGetValue(role, out var b) && b.TryGetValue(pid, out var s) ? s : 0;
                used += Math.Max(0, seconds - start);
            }
            cores[role] = Math.Round(used / elapsed.TotalSeconds, 2);
        }
        return cores;
    }
}

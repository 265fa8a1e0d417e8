using System.Globalization;

namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// The child processes alive right now, one line each (pid, start time, name) in run/children. If the AppHost dies
/// without stopping them, the <see cref="Watchdog"/> ends what it lists; if even the watchdog couldn't, the next start
/// does (<see cref="ReapOrphans"/>), so a killed run never leaves ports or PostgreSQL's data directory held.
/// </summary>
internal sealed class ChildProcessJournal(string file)
{
    private readonly Dictionary<int, (long StartTime, string Name)> _children = [];

    public string File { get; } = file;

    public void Add(ChildProcess process, string name)
    {
        lock (_children)
        {
            _children[process.Id] = (process.StartTime ?? 0, name);
            Save();
        }
    }

    public void Remove(ChildProcess process)
    {
        lock (_children)
        {
            if (_children.Remove(process.Id))
            {
                Save();
            }
        }
    }

    /// <summary>Kills whatever an earlier run left running, judged by pid and start time so an unrelated process is never hit.</summary>
    public static async Task ReapOrphans(string file, ConsoleEcho echo)
    {
        if (!System.IO.File.Exists(file))
        {
            return;
        }
        var orphans = new List<int>();
        foreach (var line in System.IO.File.ReadAllLines(file))
        {
            var parts = line.Split(' ', 3);
            if (parts.Length == 3
                && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid)
                && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var startTime)
                && ProcFs.StartTime(pid) == startTime)
            {
                echo.Info($"killing {parts[2]} (pid {pid}), left running by an AppHost that did not stop cleanly");
                PosixSignals.SendToGroup(pid, PosixSignals.SIGKILL);
                PosixSignals.Send(pid, PosixSignals.SIGKILL);
                orphans.Add(pid);
            }
        }
        await Task.WhenAll(orphans.Select(pid => ProcFs.WaitForExitAsync(pid, TimeSpan.FromSeconds(5), CancellationToken.None)));
        System.IO.File.Delete(file);
    }

    private void Save()
    {
        // Written whole and renamed into place: the watchdog may read it at any moment.
        var scratch = File + ".tmp";
        System.IO.File.WriteAllLines(scratch, _children.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value.StartTime} {c.Value.Name}")));
        System.IO.File.Move(scratch, File, overwrite: true);
    }
}

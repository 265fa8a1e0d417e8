using System.Diagnostics;

namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// A process the AppHost started. Each runs in a session of its own (<c>setsid</c>, which keeps its pid), so a
/// Ctrl+C in the terminal reaches only the AppHost, which then stops everything in order; and each leads a process
/// group, so a kill takes whatever the process started with it (PostgreSQL's backends).
/// </summary>
internal sealed class ChildProcess
{
    private readonly Process _process;

    private ChildProcess(Process process)
    {
        _process = process;
        Id = process.Id;
        StartTime = ProcFs.StartTime(Id);
        Exited = WaitForExitCodeAsync();
    }

    public int Id { get; }

    /// <summary>When the kernel started it, for <see cref="ChildProcessJournal"/> to tell it from a later process with the same pid.</summary>
    public long? StartTime { get; }

    /// <summary>Completes with the exit code (128 + the signal when a signal ended it) once the process and its output are done.</summary>
    public Task<int> Exited { get; }

    /// <summary>Starts the process; every line it writes goes to <paramref name="onLine"/> (text, whether from stderr).</summary>
    public static ChildProcess Start(ProcessSpec spec, Action<string, bool> onLine)
    {
        var info = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = spec.WorkingDirectory ?? Environment.CurrentDirectory,
        };
        if (spec.RunAsUser is { } user)
        {
            info.ArgumentList.Add("setpriv");
            info.ArgumentList.Add($"--reuid={user}");
            info.ArgumentList.Add($"--regid={user}");
            info.ArgumentList.Add("--init-groups");
        }
        info.ArgumentList.Add(spec.FileName);
        foreach (var argument in spec.Arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in spec.Environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onLine(e.Data, false);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onLine(e.Data, true);
            }
        };
        process.Start();
        // Nothing of ours reads the terminal; an empty stdin keeps it that way.
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(process);
    }

    /// <summary>Runs a one-off command (initdb, chown) to its end; cancelling kills it.</summary>
    public static async Task<int> RunToCompletionAsync(ProcessSpec spec, Action<string, bool> onLine, CancellationToken cancellationToken)
    {
        var process = Start(spec, onLine);
        using (cancellationToken.Register(process.Kill))
        {
            var exitCode = await process.Exited;
            cancellationToken.ThrowIfCancellationRequested();
            return exitCode;
        }
    }

    public void Signal(int signal) => PosixSignals.Send(Id, signal);

    /// <summary>SIGKILL to the process and everything in its group. Harmless once it has exited.</summary>
    public void Kill()
    {
        if (!Exited.IsCompleted)
        {
            PosixSignals.SendToGroup(Id, PosixSignals.SIGKILL);
            PosixSignals.Send(Id, PosixSignals.SIGKILL);
        }
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await Exited.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private async Task<int> WaitForExitCodeAsync()
    {
        // Also waits for the end of its output, so no line is lost after the exit is reported.
        await _process.WaitForExitAsync();
        var exitCode = _process.ExitCode;
        _process.Dispose();
        return exitCode;
    }
}

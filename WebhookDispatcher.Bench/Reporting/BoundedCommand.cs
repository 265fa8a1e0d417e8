using System.ComponentModel;
using System.Diagnostics;

namespace WebhookDispatcher.Bench.Reporting;

/// <summary>
/// Runs a small command whose output only decorates a report, such that it can never hold the report back: its
/// stdin is closed at once (nothing can wait on a terminal or a prompt), its output is read asynchronously, and at
/// the deadline it is killed with its children. A run that delivered every event once hung for good on such a
/// command, waited for synchronously.
/// </summary>
public static class BoundedCommand
{
    /// <summary>The command's standard output, or null if it could not start, failed, or outlived <paramref name="timeout"/>.</summary>
    public static async Task<string?> OutputAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception)
        {
            return null; // not installed
        }
        process.StandardInput.Close();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            // Both pipes drained at once, so a chatty stderr can't fill up and block the child either.
            var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
            var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
            await process.WaitForExitAsync(deadline.Token);
            var output = await stdout;
            await stderr;
            return process.ExitCode == 0 ? output : null;
        }
        catch (OperationCanceledException)
        {
            await KillAsync(process);
            cancellationToken.ThrowIfCancellationRequested();
            return null;
        }
    }

    private static async Task KillAsync(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            using var reaped = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await process.WaitForExitAsync(reaped.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // It exited by itself meanwhile, or is past our waiting for: either way it no longer holds us.
        }
    }
}

using System.Diagnostics;

namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// A tiny shell process that outlives the AppHost only to clean up after it: it waits on a pipe that only the AppHost
/// holds open. When the AppHost is gone, however it went (even SIGKILL), the pipe closes, and the watchdog asks every
/// child in the journal to stop, then kills what is left. After a clean stop the journal is empty and it just exits.
/// </summary>
internal sealed class Watchdog : IAsyncDisposable
{
    private const string Script = """
        cat > /dev/null
        [ -s "$1" ] || exit 0
        while read -r pid start name; do kill -TERM "-$pid" 2>/dev/null; done < "$1"
        sleep 5
        while read -r pid start name; do kill -KILL "-$pid" 2>/dev/null; done < "$1"
        """;

    private readonly Process _process;

    private Watchdog(Process process) => _process = process;

    public static Watchdog Start(string journalFile)
    {
        // In a session of its own, so the terminal's Ctrl+C, meant for the AppHost, doesn't end it.
        var info = new ProcessStartInfo("setsid") { UseShellExecute = false, RedirectStandardInput = true };
        foreach (var argument in new[] { "sh", "-c", Script, "watchdog", journalFile })
        {
            info.ArgumentList.Add(argument);
        }
        return new Watchdog(Process.Start(info)!);
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        try
        {
            // At once after a clean stop (the journal is empty); within its few seconds' grace otherwise.
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            _process.Kill();
        }
        _process.Dispose();
    }
}

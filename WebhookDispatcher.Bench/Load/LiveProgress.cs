using System.Diagnostics;

namespace WebhookDispatcher.Bench.Load;

/// <summary>
/// A status line redrawn in place twice a second while a scenario runs (elapsed, counts, rates); when output is
/// not a terminal (CI, a pipe) one line every five seconds instead, so logs stay readable.
/// </summary>
public sealed class LiveProgress : IAsyncDisposable
{
    private readonly string _label;
    private readonly Func<TimeSpan, string> _status;
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly bool _interactive = !Console.IsOutputRedirected;

    public LiveProgress(string label, Func<TimeSpan, string> status)
    {
        _label = label;
        _status = status;
        _loop = RunAsync();
    }

    private async Task RunAsync()
    {
        var interval = TimeSpan.FromMilliseconds(_interactive ? 500 : 5000);
        try
        {
            while (true)
            {
                await Task.Delay(interval, _stop.Token);
                Draw(final: false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Draw(bool final)
    {
        var line = $"  {_label,-28} {_elapsed.Elapsed.TotalSeconds,6:0.0}s  {_status(_elapsed.Elapsed)}";
        if (_interactive)
        {
            var width = Math.Max(40, Console.WindowWidth - 1);
            Console.Write("\r" + (line.Length > width ? line[..width] : line.PadRight(width)));
            if (final)
            {
                Console.WriteLine();
            }
        }
        else
        {
            Console.WriteLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        Draw(final: true);
        _stop.Dispose();
    }
}

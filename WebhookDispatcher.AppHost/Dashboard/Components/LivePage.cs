using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;
using WebhookDispatcher.AppHost.Dashboard.Telemetry;
using WebhookDispatcher.AppHost.Hosting;

namespace WebhookDispatcher.AppHost.Dashboard.Components;

/// <summary>
/// A page that keeps itself current without a reload. Telemetry and resource changes only mark it stale; a timer
/// re-renders at most twice a second, so a burst of exports doesn't become a burst of renders over the circuit.
/// Pages fed by the Api poll it on <see cref="PollInterval"/> instead.
/// </summary>
public abstract class LivePage : ComponentBase, IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);
    private Timer? _timer;
    private int _stale;
    private int _busy;
    private DateTimeOffset _lastPoll = DateTimeOffset.UtcNow;

    [Inject]
    protected TelemetryStore Telemetry { get; set; } = null!;

    [Inject]
    protected IResourceMonitor ResourceMonitor { get; set; } = null!;

    [Inject]
    protected ILogger<LivePage> Logger { get; set; } = null!;

    /// <summary>Re-render when the telemetry store takes in an export.</summary>
    protected virtual bool WatchesTelemetry => true;

    /// <summary>Re-render when a resource changes state or writes to its console.</summary>
    protected virtual bool WatchesResources => false;

    /// <summary>Call <see cref="RefreshAsync"/> this often even when nothing was signalled (for data behind the Api).</summary>
    protected virtual TimeSpan? PollInterval => null;

    /// <summary>Reload what the page shows; called when something changed and on every poll.</summary>
    protected virtual Task RefreshAsync() => Task.CompletedTask;

    protected override void OnInitialized()
    {
        if (WatchesTelemetry)
        {
            Telemetry.Changed += MarkStale;
        }
        if (WatchesResources)
        {
            ResourceMonitor.Changed += MarkStale;
        }
        _timer = new Timer(_ => OnTick(), null, Tick, Tick);
    }

    public virtual void Dispose()
    {
        Telemetry.Changed -= MarkStale;
        ResourceMonitor.Changed -= MarkStale;
        _timer?.Dispose();
        GC.SuppressFinalize(this);
    }

    private void MarkStale() => Interlocked.Exchange(ref _stale, 1);

    private void OnTick()
    {
        // A timer callback that throws takes the whole process down: this one must never throw.
        try
        {
            var pollDue = PollInterval is { } interval && DateTimeOffset.UtcNow - _lastPoll >= interval;
            if ((!pollDue && Volatile.Read(ref _stale) == 0) || Interlocked.Exchange(ref _busy, 1) == 1)
            {
                return;
            }
            Interlocked.Exchange(ref _stale, 0);
            if (pollDue)
            {
                _lastPoll = DateTimeOffset.UtcNow;
            }
            _ = InvokeAsync(RefreshAndRenderAsync).ContinueWith(
                task => Logger.LogDebug(task.Exception, "Dashboard page refresh could not be scheduled"),
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
        catch (Exception ex)
        {
            // The circuit is gone (the tab closed) between the tick and the render: nothing left to update.
            Interlocked.Exchange(ref _busy, 0);
            Logger.LogDebug(ex, "Dashboard page tick failed");
        }
    }

    private async Task RefreshAndRenderAsync()
    {
        try
        {
            await RefreshAsync();
            StateHasChanged();
        }
        catch (Exception ex)
        {
            // A failed refresh leaves the last good view on screen; the circuit (and the AppHost) carry on.
            Logger.LogDebug(ex, "Dashboard page refresh failed");
        }
        finally
        {
            Interlocked.Exchange(ref _busy, 0);
        }
    }
}

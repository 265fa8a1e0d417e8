using Microsoft.AspNetCore.Components;

namespace WebhookDispatcher.OperatorConsole.Components;

/// <summary>
/// A page that keeps itself current without a reload: it asks the Api again every <see cref="PollInterval"/>, one
/// refresh at a time, and stops when the page is left (the circuit disposes it), cancelling a call in flight.
/// </summary>
public abstract class LivePage : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _left = new();

    [Inject]
    protected ILogger<LivePage> Logger { get; set; } = null!;

    protected abstract TimeSpan PollInterval { get; }

    /// <summary>Cancelled when the page is left.</summary>
    protected CancellationToken PageLeft => _left.Token;

    /// <summary>Reload what the page shows.</summary>
    protected abstract Task RefreshAsync();

    protected override void OnInitialized() => _ = PollAsync();

    private async Task PollAsync()
    {
        using var timer = new PeriodicTimer(PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_left.Token))
            {
                await InvokeAsync(RefreshAndRenderAsync);
            }
        }
        catch (OperationCanceledException)
        {
            // The page was left.
        }
        catch (Exception ex)
        {
            // Nothing awaits this loop, so nothing else would see the exception; the page just stops updating.
            Logger.LogWarning(ex, "Console page stopped refreshing");
        }
    }

    private async Task RefreshAndRenderAsync()
    {
        try
        {
            await RefreshAsync();
            StateHasChanged();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A failed refresh leaves the last good view on screen; the next tick tries again.
            Logger.LogDebug(ex, "Console page refresh failed");
        }
    }

    public virtual void Dispose()
    {
        // Cancelled, not disposed: a refresh still finishing reads PageLeft, and this source holds no timer.
        _left.Cancel();
        GC.SuppressFinalize(this);
    }
}

using System.Threading.Channels;

namespace WebhookDispatcher.Worker.Delivery;

/// <summary>
/// A wake-up that coalesces: any number of <see cref="Set"/> calls before a wait release one waiter once,
/// so a burst of a thousand Redis messages costs one claim query, not a thousand.
/// </summary>
public sealed class AsyncSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    public void Set() => _channel.Writer.TryWrite(true);

    /// <summary>Whether a wake-up is waiting (a wait would return at once).</summary>
    public bool IsSet => _channel.Reader.TryPeek(out _);

    /// <returns>True when signalled, false when the timeout passed first.</returns>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_channel.Reader.TryRead(out _))
        {
            return true;
        }
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await _channel.Reader.ReadAsync(timeoutSource.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}

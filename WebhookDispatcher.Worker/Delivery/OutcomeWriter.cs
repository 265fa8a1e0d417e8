using System.Threading.Channels;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Worker.Delivery;

/// <summary>
/// Collects the outcomes of finished attempts and writes them in batches: one statement records a few hundred
/// attempts and delivery states, instead of a round trip each. Outcomes wait in memory only while their leases
/// hold; if this process dies first the leases expire and the deliveries are sent again (at-least-once).
/// </summary>
public sealed class OutcomeWriter(DeliveryQueue store, TargetHealthRecorder health, WorkerIdentity worker, ILogger<OutcomeWriter> logger)
{
    public const int MaxBatch = 500;

    /// <summary>
    /// A batch costs the database one statement and one commit whatever its size, so when fewer than this many
    /// outcomes are ready the writer waits up to <see cref="GatherFor"/> for more. Without it a Worker wrote whatever had
    /// finished since its last write: 38 rows a batch with one Worker draining, 10 with four (the statements per delivery
    /// rising with the number of Workers). The attempts' slots are freed when they finish, not when they are written, so
    /// waiting here holds up no delivery; a delivery's recorded state is at most this much later.
    /// </summary>
    public const int GatherUntil = 200;

    public static readonly TimeSpan GatherFor = TimeSpan.FromMilliseconds(20);

    private readonly Channel<DeliveryOutcome> _channel = Channel.CreateUnbounded<DeliveryOutcome>(new UnboundedChannelOptions
    {
        SingleReader = true,
    });

    public void Enqueue(DeliveryOutcome outcome) => _channel.Writer.TryWrite(outcome);

    /// <summary>No more outcomes will come; <see cref="RunAsync"/> ends once it has written what it holds.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <param name="abandon">Cancelled when writing must stop even though outcomes remain (the host's last moment).</param>
    public async Task RunAsync(CancellationToken abandon)
    {
        var batch = new List<DeliveryOutcome>(MaxBatch);
        try
        {
            while (await _channel.Reader.WaitToReadAsync(abandon))
            {
                Take(batch);
                if (batch.Count < GatherUntil && !_channel.Reader.Completion.IsCompleted)
                {
                    await Task.Delay(GatherFor, abandon);
                    Take(batch);
                }
                await WriteAsync(batch, abandon);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            var left = batch.Count + _channel.Reader.Count;
            if (left > 0)
            {
                logger.LogWarning("Stopped with {Count} outcomes unwritten; their leases will expire and they will be sent again", left);
            }
        }
    }

    private void Take(List<DeliveryOutcome> batch)
    {
        while (batch.Count < MaxBatch && _channel.Reader.TryRead(out var outcome))
        {
            batch.Add(outcome);
        }
    }

    private async Task WriteAsync(List<DeliveryOutcome> batch, CancellationToken abandon)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                var updated = await store.RecordOutcomesAsync(batch, worker.Id, abandon);
                if (updated < batch.Count)
                {
                    logger.LogWarning("{Lost} of {Count} outcomes came after their lease was lost; their attempts are recorded, the newer state kept",
                        batch.Count - updated, batch.Count);
                }
                break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // PostgreSQL restarting, say: keep the outcomes and try again; the leases give us time.
                logger.LogWarning("Writing {Count} outcomes failed, retrying in {Delay}: {Message}", batch.Count, delay, ex.Message);
                await Task.Delay(delay, abandon);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }

        try
        {
            await health.RecordAsync(batch, abandon);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The outcomes are safe; only the shared streak misses this batch, and the next failures count on.
            logger.LogWarning("Counting {Count} outcomes into their targets' circuits failed: {Message}", batch.Count, ex.Message);
        }
    }
}

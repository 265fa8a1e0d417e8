using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using WebhookDispatcher.Api.Security;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Core.Telemetry;

namespace WebhookDispatcher.Api.Ingestion;

/// <summary>
/// Group commit for single events: concurrent POST /events requests that carry no idempotency key are stored
/// together, in one statement and one COMMIT, and each request still answers only once its event is committed.
/// A request that arrives alone goes alone, at once; under load, those that arrive while a batch is in the database
/// make up the next one. PostgreSQL then plans, writes and flushes WAL once per batch instead of once per event,
/// which is where a single event's time went. The Workers are woken once per batch too, after its COMMIT: one Redis
/// PUBLISH (and its trace span) for the batch, not one per event.
/// The queue is bounded (<c>Api:MaxQueuedEvents</c>): when the database falls behind, a request is refused at once
/// with 503 rather than piling up in memory until the process dies. A request that goes away while its event is
/// still queued takes the event with it; once the event is in a batch it is committed, whether or not anyone waits.
/// </summary>
public sealed class IngestBatcher : IAsyncDisposable
{
    /// <summary>Most events in one batch.</summary>
    public const int MaxBatch = 256;

    /// <summary>Batches in the database at once: enough to keep both the database's cores and the network busy.</summary>
    public const int MaxConcurrentBatches = 4;

    private readonly IngestionUnitOfWork _unitOfWork;
    private readonly ILogger<IngestBatcher> _logger;
    private readonly Channel<Pending> _queue;
    private readonly SemaphoreSlim _slots = new(MaxConcurrentBatches, MaxConcurrentBatches);
    private readonly Task _loop;

    public IngestBatcher(IngestionUnitOfWork unitOfWork, IOptions<ApiOptions> options, ILogger<IngestBatcher> logger)
    {
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.Value.MaxQueuedEvents)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _unitOfWork = unitOfWork;
        _logger = logger;
        // The loop belongs to no request: without this it would inherit the first request's trace, and every
        // batch's database span would join it.
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(RunAsync);
        }
    }

    /// <summary>
    /// Queues one event (without an idempotency key) to be stored; <paramref name="committed"/> completes once it is
    /// committed, or is canceled if <paramref name="cancellationToken"/> fires while the event is still queued (it is
    /// then never stored). False when the queue is full: nothing was queued and the caller should answer 503.
    /// </summary>
    public bool TryIngest(NewEvent newEvent, CancellationToken cancellationToken, out Task<IngestedEvent> committed)
    {
        var pending = new Pending(newEvent, new TaskCompletionSource<IngestedEvent>(TaskCreationOptions.RunContinuationsAsynchronously),
            Activity.Current?.Context ?? default);
        committed = pending.Done.Task;
        if (!_queue.Writer.TryWrite(pending))
        {
            ObjectDisposedException.ThrowIf(_queue.Reader.Completion.IsCompleted, this);
            return false;
        }
        if (cancellationToken.CanBeCanceled)
        {
            pending.Cancellation = cancellationToken.Register(static state => ((Pending)state!).TryCancel(), pending);
        }
        return true;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            await _slots.WaitAsync();
            var batch = new List<Pending>();
            while (batch.Count < MaxBatch && reader.TryRead(out var pending))
            {
                // One whose request went away while it waited is left out; one taken can no longer be canceled.
                if (pending.TryTake())
                {
                    batch.Add(pending);
                }
            }
            if (batch.Count == 0)
            {
                _slots.Release();
                continue;
            }
            _ = StoreAsync(batch);
        }
    }

    private async Task StoreAsync(List<Pending> batch)
    {
        // One span for the batch's INSERT and COMMIT: in the first request's trace, linked from the others', so
        // each event's trace still shows where its ingestion time went.
        using var activity = DispatcherTelemetry.ActivitySource.StartActivity("ingest events", ActivityKind.Internal, batch[0].Context,
            links: [.. batch.Skip(1).Where(p => p.Context != default).Select(p => new ActivityLink(p.Context))]);
        activity?.SetTag("webhooks.batch.size", batch.Count);
        try
        {
            IReadOnlyList<IngestedEvent> stored;
            try
            {
                stored = (await _unitOfWork.IngestAsync([.. batch.Select(p => p.Event)]))!;
            }
            catch (Exception ex) when (batch.Count > 1 && ex is UnstorablePayloadException or PostgresException { SqlState: not null, IsTransient: false })
            {
                // One event PostgreSQL refused (JSON its json type rejects, say) fails the statement for all:
                // nothing was stored, so each goes again alone and only the culprit sees the error.
                _logger.LogDebug(ex, "A batch of {Count} events was refused; storing them one by one", batch.Count);
                await Task.WhenAll(batch.Select(StoreAloneAsync));
                return;
            }
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(stored[i]);
            }
        }
        catch (Exception ex)
        {
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(ex);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task StoreAloneAsync(Pending pending)
    {
        try
        {
            var stored = (await _unitOfWork.IngestAsync([pending.Event]))![0];
            pending.Done.TrySetResult(stored);
        }
        catch (Exception ex)
        {
            pending.Done.TrySetException(ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        // Let the batches in the database finish, so no request is left waiting.
        for (var i = 0; i < MaxConcurrentBatches; i++)
        {
            await _slots.WaitAsync();
        }
        _slots.Dispose();
    }

    private sealed record Pending(NewEvent Event, TaskCompletionSource<IngestedEvent> Done, ActivityContext Context)
    {
        private const int Queued = 0, Taken = 1, Canceled = 2;
        private int _state;

        public CancellationTokenRegistration Cancellation { get; set; }

        /// <summary>Into a batch: from here the event will be committed (or fail), never silently dropped.</summary>
        public bool TryTake()
        {
            var taken = Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;
            Cancellation.Dispose();
            return taken;
        }

        /// <summary>Out of the queue before any batch took it: it is never stored and its request is not acknowledged.</summary>
        public void TryCancel()
        {
            if (Interlocked.CompareExchange(ref _state, Canceled, Queued) == Queued)
            {
                Done.TrySetCanceled();
            }
        }
    }
}

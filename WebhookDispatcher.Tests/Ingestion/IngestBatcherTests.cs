using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;
using WebhookDispatcher.Api.Ingestion;
using WebhookDispatcher.Api.Security;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Tests.Infrastructure;

namespace WebhookDispatcher.Tests.Ingestion;

/// <summary>
/// The group-commit queue on a real PostgreSQL, held up by a real lock on the events table: a database that falls
/// behind fills the queue, and then the batcher refuses rather than growing without bound; a request that goes away
/// while its event is queued takes the event with it; everything it took in is committed.
/// </summary>
public sealed class IngestBatcherTests(ThrowawayPostgres postgres) : IClassFixture<ThrowawayPostgres>, IAsyncLifetime
{
    private const int QueueCapacity = 8;
    private ConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync() =>
        // Nothing listens on port 1: the publisher sees Redis down and skips the wake-up, as it does in production.
        _redis = await ConnectionMultiplexer.ConnectAsync("127.0.0.1:1,abortConnect=false,connectTimeout=200");

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private IngestBatcher Batcher() => new(new IngestionUnitOfWork(new IngestTransaction(postgres.DataSource), new DeliveryStore(postgres.DataSource),
        new WakeUpPublisher(_redis, NullLogger<WakeUpPublisher>.Instance)),
        Options.Create(new ApiOptions { MaxQueuedEvents = QueueCapacity }), NullLogger<IngestBatcher>.Instance);

    private static NewEvent Event(string merchant) =>
        new(Guid.CreateVersion7(), merchant, "t", """{"a":1}""", null, null, null);

    [Fact]
    public async Task DatabaseFallingBehind_FillsTheBoundedQueue_AndThenEventsAreRefused_NotHeld()
    {
        var merchant = $"m_full_{Guid.NewGuid():N}";
        await using var batcher = Batcher();
        var accepted = new List<Task<IngestedEvent>>();
        var refused = 0;
        await using (var lockHolder = await LockEventsAsync())
        {
            // While the table is locked, at most MaxConcurrentBatches batches of MaxBatch are in the database and
            // QueueCapacity wait: one more than that cannot all be taken in.
            var bound = IngestBatcher.MaxConcurrentBatches * IngestBatcher.MaxBatch + QueueCapacity + 1;
            for (var i = 0; i < bound && refused == 0; i++)
            {
                if (batcher.TryIngest(Event(merchant), CancellationToken.None, out var committed))
                {
                    accepted.Add(committed);
                }
                else
                {
                    refused++;
                }
            }
            Assert.Equal(1, refused);
            Assert.All(accepted, t => Assert.False(t.IsCompleted));
            await lockHolder.RollbackAsync();
        }

        // Everything taken in is committed once the database catches up; the refused event was never stored.
        var stored = await Task.WhenAll(accepted);
        Assert.Equal(accepted.Count, stored.Select(e => e.Id).Distinct().Count());
        Assert.Equal((long)accepted.Count, await postgres.ScalarAsync<long>("SELECT count(*) FROM events WHERE merchant_id = $1", merchant));
    }

    [Fact]
    public async Task RequestGoneWhileItsEventIsQueued_CancelsIt_AndItIsNeverStored()
    {
        var merchant = $"m_cancel_{Guid.NewGuid():N}";
        await using var batcher = Batcher();
        var inDatabase = new List<Task<IngestedEvent>>();
        Task<IngestedEvent> queued;
        using var request = new CancellationTokenSource();
        await using (var lockHolder = await LockEventsAsync())
        {
            // Fill every batch slot with a batch waiting on the lock, so the next event stays in the queue.
            for (var i = 0; i < IngestBatcher.MaxConcurrentBatches; i++)
            {
                Assert.True(batcher.TryIngest(Event(merchant), CancellationToken.None, out var committed));
                inDatabase.Add(committed);
                await EventuallyBlockedAsync(i + 1);
            }
            Assert.True(batcher.TryIngest(Event(merchant), request.Token, out queued));
            await request.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
            await lockHolder.RollbackAsync();
        }

        await Task.WhenAll(inDatabase);
        // Another event after it is stored, so the queue was drained past the canceled one.
        Assert.True(batcher.TryIngest(Event(merchant), CancellationToken.None, out var after));
        await after;
        Assert.Equal((long)IngestBatcher.MaxConcurrentBatches + 1, await postgres.ScalarAsync<long>("SELECT count(*) FROM events WHERE merchant_id = $1", merchant));
    }

    /// <summary>Holds the events table exclusively until the transaction ends: every INSERT waits on it.</summary>
    private async Task<LockedTable> LockEventsAsync()
    {
        var connection = await postgres.DataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand("LOCK TABLE events IN ACCESS EXCLUSIVE MODE", connection, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }
        return new LockedTable(connection, transaction);
    }

    private async Task EventuallyBlockedAsync(int sessions) =>
        await EngineAppFixture.EventuallyAsync(
            async () => await postgres.ScalarAsync<long>("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'events'::regclass") >= sessions,
            $"{sessions} batches wait on the lock", TimeSpan.FromSeconds(30));

    private sealed class LockedTable(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public Task RollbackAsync() => transaction.RollbackAsync();

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}

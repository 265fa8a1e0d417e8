using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Api.Ingestion;

/// <summary>What became of a request to ingest events; the Api's <c>EventsApi</c> says it in HTTP.</summary>
public abstract record IngestionResult
{
    private IngestionResult()
    {
    }

    /// <summary>Every event is committed, or was already (<see cref="IngestedEvent.Replayed"/>, by its idempotency key).</summary>
    public sealed record Accepted(IReadOnlyList<IngestedEvent> Events) : IngestionResult;

    /// <summary>Nothing was stored: each field named is wrong, for the reasons given.</summary>
    public sealed record Invalid(Dictionary<string, string[]> Errors) : IngestionResult
    {
        public Invalid(string field, string message)
            : this(new Dictionary<string, string[]> { [field] = [message] })
        {
        }
    }

    /// <summary>Nothing was stored: each part named (<c>events[3]</c>, say) is over its size limit.</summary>
    public sealed record TooLarge(Dictionary<string, string[]> Errors) : IngestionResult;

    /// <summary>Nothing was stored: an idempotency key came again with another event than <paramref name="First"/>.</summary>
    public sealed record IdempotencyKeyReused(IngestedEvent First) : IngestionResult;

    /// <summary>Nothing was stored: the Api holds as many events as it can; the producer should try again shortly.</summary>
    public sealed record Busy(int RetryAfterSeconds) : IngestionResult;
}

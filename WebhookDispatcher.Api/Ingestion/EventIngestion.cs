using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using WebhookDispatcher.Api.Security;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Core.Telemetry;

namespace WebhookDispatcher.Api.Ingestion;

/// <summary>
/// The path of an event into the system: validate the parsed body, store the event and its deliveries in one
/// transaction, and only then wake the Workers and answer. Nothing is stored unless everything is valid. It knows no
/// HTTP: the Api's <c>EventsApi</c> reads the body and says the <see cref="IngestionResult"/> in HTTP.
/// </summary>
public sealed class EventIngestion(
    EventRequestParser parser,
    IngestBatcher batcher,
    IngestionUnitOfWork unitOfWork,
    IOptions<ApiOptions> options,
    ILogger<EventIngestion> logger)
{
    /// <summary>DNS lookups of one batch's ad-hoc targets in flight at once.</summary>
    public const int MaxConcurrentTargetChecks = 16;

    /// <summary>What a producer is told to wait when the group-commit queue is full.</summary>
    public const int QueueFullRetryAfterSeconds = 1;

    /// <summary>One event, from its parsed body; <paramref name="idempotencyHeader"/> is the Idempotency-Key header's value.</summary>
    public async Task<IngestionResult> IngestOneAsync(JsonElement body, string? idempotencyHeader, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var parsed = await parser.ParseAsync(body, idempotencyHeader, "", errors, cancellationToken);
        return parsed is null ? new IngestionResult.Invalid(errors) : await StoreAsync([parsed], cancellationToken);
    }

    /// <summary>A batch is all or nothing: one invalid event and none is stored, with every problem named.</summary>
    public async Task<IngestionResult> IngestBatchAsync(JsonElement body, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        // Either a bare array or { "events": [ … ] }.
        var list = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("events", out var wrapped) ? wrapped : body;
        if (list.ValueKind != JsonValueKind.Array)
        {
            return new IngestionResult.Invalid("events", "A batch must be a JSON array of events, or an object with an 'events' array.");
        }
        var count = list.GetArrayLength();
        if (count == 0 || count > limits.MaxBatchEvents)
        {
            return new IngestionResult.Invalid("events", $"A batch must hold 1 to {limits.MaxBatchEvents} events; this one has {count}.");
        }

        // Each event is held to the single event's limit, before anything else is read of it: a batch of
        // 16 MiB items would otherwise be stored, and then claimed 200 at a time by a Worker.
        var items = list.EnumerateArray().ToArray();
        var oversized = new Dictionary<string, string[]>();
        for (var i = 0; i < items.Length; i++)
        {
            var bytes = JsonMarshal.GetRawUtf8Value(items[i]).Length;
            if (bytes > limits.MaxEventBytes)
            {
                oversized[$"events[{i}]"] = [$"The event is {bytes} bytes; an event is at most {limits.MaxEventBytes} bytes (Api:MaxEventBytes)."];
            }
        }
        if (oversized.Count > 0)
        {
            return new IngestionResult.TooLarge(oversized);
        }

        var (parsed, errors) = await ParseBatchAsync(items, limits.TargetCheckDeadline, cancellationToken);
        return errors.Count > 0 ? new IngestionResult.Invalid(errors) : await StoreAsync(parsed, cancellationToken);
    }

    /// <summary>
    /// Parses a batch's events. Ad-hoc targets need a DNS lookup each, so those run a few at a time under one
    /// deadline for the whole request: a thousand unresolvable hosts cost the deadline, not a thousand timeouts.
    /// </summary>
    private async Task<(List<EventRequest> Parsed, Dictionary<string, string[]> Errors)> ParseBatchAsync(
        JsonElement[] items, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var results = new EventRequest?[items.Length];
        var itemErrors = new Dictionary<string, string[]>[items.Length];
        if (items.Any(IsAdHoc))
        {
            using var checks = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            checks.CancelAfter(deadline);
            // A JsonDocument is not safe to read from several threads (it caches the last string it decoded), so each
            // event parsed in parallel gets a document of its own, made from its bytes here, on this thread.
            var raw = items.Select(item => JsonMarshal.GetRawUtf8Value(item).ToArray()).ToArray();
            await Parallel.ForEachAsync(Enumerable.Range(0, items.Length), new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentTargetChecks },
                async (i, _) =>
                {
                    using var own = JsonDocument.Parse(raw[i]);
                    itemErrors[i] = [];
                    results[i] = await parser.ParseAsync(own.RootElement, null, $"events[{i}]", itemErrors[i], checks.Token);
                });
            // A request that went away gets no answer; only the deadline's own expiry is reported as a problem.
            cancellationToken.ThrowIfCancellationRequested();
        }
        else
        {
            for (var i = 0; i < items.Length; i++)
            {
                itemErrors[i] = [];
                results[i] = await parser.ParseAsync(items[i], null, $"events[{i}]", itemErrors[i], cancellationToken);
            }
        }

        var errors = new Dictionary<string, string[]>();
        foreach (var (field, messages) in itemErrors.SelectMany(e => e))
        {
            errors[field] = messages;
        }
        return ([.. results.OfType<EventRequest>()], errors);
    }

    private static bool IsAdHoc(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object && (item.TryGetProperty("target_url", out _) || item.TryGetProperty("payload", out _));

    private async Task<IngestionResult> StoreAsync(IReadOnlyList<EventRequest> requests, CancellationToken cancellationToken)
    {
        // The ingestion trace is kept with the event, so each delivery attempt joins it later.
        var traceparent = Activity.Current?.Id;
        var newEvents = requests
            .Select(r => new NewEvent(Guid.CreateVersion7(), r.MerchantId, r.Type, r.PayloadJson, r.IdempotencyKey, r.TargetUrl, traceparent))
            .ToList();

        IngestedEvent? conflict = null;
        IReadOnlyList<IngestedEvent>? stored;
        try
        {
            if (newEvents is [{ IdempotencyKey: null } single])
            {
                // The common case, one event without a key: committed together with whatever else is arriving. The
                // batcher wakes the Workers once for its whole batch.
                if (!batcher.TryIngest(single, cancellationToken, out var committed))
                {
                    return new IngestionResult.Busy(QueueFullRetryAfterSeconds);
                }
                var ingested = await committed;
                DispatcherTelemetry.EventsIngested.Add(1);
                return new IngestionResult.Accepted([ingested]);
            }
            // A repeat must carry the same event as the first: if not, the whole request is rolled back.
            stored = await unitOfWork.IngestAsync(newEvents, results =>
            {
                conflict = results.Where((e, i) => e.Replayed && (e.Type != newEvents[i].Type || e.PayloadJson != newEvents[i].PayloadJson)).FirstOrDefault();
                return conflict is null;
            }, cancellationToken);
        }
        catch (UnstorablePayloadException ex)
        {
            return new IngestionResult.Invalid("data", ex.Message);
        }

        if (stored is null)
        {
            return new IngestionResult.IdempotencyKeyReused(conflict!);
        }

        var created = stored.Count(e => !e.Replayed);
        if (created > 0)
        {
            DispatcherTelemetry.EventsIngested.Add(created);
            logger.LogDebug("Ingested {Count} events", created);
        }
        return new IngestionResult.Accepted(stored);
    }
}

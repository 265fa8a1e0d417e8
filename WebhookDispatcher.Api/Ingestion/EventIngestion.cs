using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using WebhookDispatcher.Api.Security;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Core.Telemetry;

namespace WebhookDispatcher.Api.Ingestion;

/// <summary>
/// The path of an event into the system: read and validate the body, store the event and its deliveries in one
/// transaction, and only then wake the Workers and answer. Nothing is stored unless everything is valid.
/// </summary>
public sealed class EventIngestion(
    EventRequestParser parser,
    EventStore events,
    IngestBatcher batcher,
    WakeUpPublisher wakeUp,
    IOptions<ApiOptions> options,
    ILogger<EventIngestion> logger)
{
    public async Task<(IReadOnlyList<IngestedEvent>? Events, ProblemHttpResult? Problem)> IngestOneAsync(HttpRequest request, string? idempotencyHeader, CancellationToken cancellationToken)
    {
        var (document, problem) = await JsonBodyReader.ReadAsync(request, options.Value.MaxEventBytes, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }
        using (document)
        {
            var errors = new Dictionary<string, string[]>();
            var parsed = await parser.ParseAsync(document!.RootElement, idempotencyHeader, "", errors, cancellationToken);
            return parsed is null ? (null, Problems.Validation(errors)) : await StoreAsync([parsed], cancellationToken);
        }
    }

    /// <summary>A batch is all or nothing: one invalid event and none is stored, with every problem named.</summary>
    public async Task<(IReadOnlyList<IngestedEvent>? Events, ProblemHttpResult? Problem)> IngestBatchAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var (document, problem) = await JsonBodyReader.ReadAsync(request, limits.MaxBatchBytes, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }
        using (document)
        {
            var root = document!.RootElement;
            // Either a bare array or { "events": [ … ] }.
            var list = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("events", out var wrapped) ? wrapped : root;
            if (list.ValueKind != JsonValueKind.Array)
            {
                return (null, Problems.Validation("events", "A batch is a JSON array of events, or an object with an 'events' array."));
            }
            var count = list.GetArrayLength();
            if (count == 0 || count > limits.MaxBatchEvents)
            {
                return (null, Problems.Validation("events", $"A batch holds 1 to {limits.MaxBatchEvents} events; this one has {count}."));
            }

            var errors = new Dictionary<string, string[]>();
            var parsed = new List<EventRequest>(count);
            var index = 0;
            foreach (var item in list.EnumerateArray())
            {
                if (await parser.ParseAsync(item, null, $"events[{index}]", errors, cancellationToken) is { } request1)
                {
                    parsed.Add(request1);
                }
                index++;
            }
            return errors.Count > 0 ? (null, Problems.Validation(errors)) : await StoreAsync(parsed, cancellationToken);
        }
    }

    private async Task<(IReadOnlyList<IngestedEvent>?, ProblemHttpResult?)> StoreAsync(IReadOnlyList<EventRequest> requests, CancellationToken cancellationToken)
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
                var ingested = await batcher.IngestAsync(single);
                DispatcherTelemetry.EventsIngested.Add(1);
                return ([ingested], null);
            }
            else
            {
                // A repeat must carry the same event as the first: if not, the whole request is rolled back.
                stored = await events.IngestAsync(newEvents, results =>
                {
                    conflict = results.Where((e, i) => e.Replayed && (e.Type != newEvents[i].Type || e.PayloadJson != newEvents[i].PayloadJson)).FirstOrDefault();
                    return conflict is null;
                }, cancellationToken);
            }
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidTextRepresentation
            or PostgresErrorCodes.UntranslatableCharacter or PostgresErrorCodes.CharacterNotInRepertoire)
        {
            // JSON that .NET accepts but PostgreSQL's json type does not (a lone surrogate escape, say).
            return (null, Problems.Validation("data", $"The payload is not storable JSON text: {ex.MessageText}"));
        }

        if (stored is null)
        {
            return (null, Problems.Create(StatusCodes.Status422UnprocessableEntity, "Idempotency key reused",
                $"The idempotency key '{conflict!.IdempotencyKey}' was already used for event {conflict.Id} with a different type or payload."));
        }

        var created = stored.Where(e => !e.Replayed).ToList();
        if (created.Count > 0)
        {
            DispatcherTelemetry.EventsIngested.Add(created.Count);
            wakeUp.Publish(created.Sum(e => e.DeliveryCount));
            logger.LogDebug("Ingested {Count} events", created.Count);
        }
        return (stored, null);
    }
}

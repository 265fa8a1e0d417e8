using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using WebhookDispatcher.Api.Ingestion;
using WebhookDispatcher.Api.Models;
using WebhookDispatcher.Api.Security;
using WebhookDispatcher.Contracts;
using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Api.Apis;

public static class EventsApi
{
    public const int MaxPageSize = 100;

    public static RouteGroupBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/events").WithTags("Events");

        api.MapPost("/", CreateEvent)
            .WithSummary("Submit an event for delivery")
            .WithDescription("Canonical { merchantId, type, data, idempotencyKey? }, or a seed shape: { merchantId, amount, currency, transactionId } or { target_url, payload }.");
        api.MapPost("/batch", CreateBatch).WithSummary("Submit up to 1,000 events in one transaction");
        api.MapGet("/", ListEvents).WithSummary("List events, newest first");
        api.MapGet("/{id}", GetEvent).WithSummary("An event with its deliveries and every attempt");
        api.MapPost("/{id}/retry", RetryEvent).WithSummary("Send an event's dead deliveries again");

        return api;
    }

    public static async Task<Results<Accepted<EventAccepted>, ProblemHttpResult>> CreateEvent(
        HttpRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        EventIngestion ingestion,
        IOptions<ApiOptions> options,
        CancellationToken cancellationToken)
    {
        var (document, problem) = await JsonBodyReader.ReadAsync(request, options.Value.MaxEventBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        using (document)
        {
            var result = await ingestion.IngestOneAsync(document!.RootElement, idempotencyKey, cancellationToken);
            if (result is not IngestionResult.Accepted { Events: [var stored] })
            {
                return Problem(result, request.HttpContext.Response);
            }
            var accepted = EventAccepted.From(stored);
            if (accepted.Replayed)
            {
                request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
            }
            return TypedResults.Accepted($"/events/{accepted.Id}", accepted);
        }
    }

    public static async Task<Results<Accepted<BatchAccepted>, ProblemHttpResult>> CreateBatch(
        HttpRequest request,
        EventIngestion ingestion,
        IOptions<ApiOptions> options,
        CancellationToken cancellationToken)
    {
        if (request.Headers.ContainsKey("Idempotency-Key"))
        {
            return Problems.Validation("Idempotency-Key", "A batch takes an idempotencyKey on each event, not the header.");
        }
        var (document, problem) = await JsonBodyReader.ReadAsync(request, options.Value.MaxBatchBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        using (document)
        {
            var result = await ingestion.IngestBatchAsync(document!.RootElement, cancellationToken);
            if (result is not IngestionResult.Accepted { Events: var events })
            {
                return Problem(result, request.HttpContext.Response);
            }
            var accepted = events.Select(EventAccepted.From).ToList();
            var replayed = accepted.Count(e => e.Replayed);
            return TypedResults.Accepted("/events", new BatchAccepted(accepted.Count - replayed, replayed, accepted));
        }
    }

    /// <summary>An ingestion that stored nothing, as problem+json; a busy Api also says when to come back (Retry-After).</summary>
    private static ProblemHttpResult Problem(IngestionResult result, HttpResponse response)
    {
        switch (result)
        {
            case IngestionResult.Invalid invalid:
                return Problems.Validation(invalid.Errors);
            case IngestionResult.TooLarge tooLarge:
                return Problems.TooLarge(tooLarge.Errors);
            case IngestionResult.IdempotencyKeyReused reused:
                return Problems.Create(StatusCodes.Status422UnprocessableEntity, "Idempotency key reused",
                    $"The idempotency key '{reused.First.IdempotencyKey}' was already used for event {reused.First.Id} with a different type or payload.");
            case IngestionResult.Busy busy:
                response.Headers.RetryAfter = busy.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return Problems.Unavailable("The Api is storing as many events as it can hold; send this one again shortly.", busy.RetryAfterSeconds);
            default:
                throw new InvalidOperationException($"{result} is not a problem.");
        }
    }

    public static async Task<Results<Ok<EventPage>, ProblemHttpResult>> ListEvents(
        EventStore events,
        string? status,
        string? merchantId,
        string? page,
        string? limit,
        CancellationToken cancellationToken)
    {
        if (status is not null && !DeliveryStatus.IsValidEventStatus(status))
        {
            return Problems.Validation("status", $"The status must be one of {string.Join(", ", DeliveryStatus.EventStatuses)}.");
        }
        if (ParsePage(page, limit, out var pageNumber, out var pageSize) is { } problem)
        {
            return problem;
        }
        var items = await events.ListAsync(merchantId, status, pageSize, (pageNumber - 1) * pageSize, cancellationToken);
        return TypedResults.Ok(new EventPage(pageNumber, pageSize, items));
    }

    public static async Task<Results<Ok<EventDetailsResponse>, ProblemHttpResult>> GetEvent(
        string id,
        EventDetailsQuery events,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var eventId))
        {
            return Problems.Validation("id", $"'{id}' is not an event id (a UUID).");
        }
        var details = await events.GetAsync(eventId, cancellationToken);
        return details is null ? Problems.NotFound($"No event {eventId}.") : TypedResults.Ok(EventDetailsResponse.From(details));
    }

    public static async Task<Results<Accepted<RetryAccepted>, ProblemHttpResult>> RetryEvent(
        string id,
        IngestionUnitOfWork unitOfWork,
        EventDetailsQuery events,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var eventId))
        {
            return Problems.Validation("id", $"'{id}' is not an event id (a UUID).");
        }
        var retried = await unitOfWork.RetryDeadAsync(null, eventId, cancellationToken);
        if (retried.Count == 0)
        {
            return await events.GetAsync(eventId, cancellationToken) switch
            {
                null => Problems.NotFound($"No event {eventId}."),
                var e when e.Deliveries.Any(d => d.Status == DeliveryStatus.Dead && d.EndpointDeleted) =>
                    DeliveriesApi.EndpointDeletedProblem($"Every dead delivery of event {eventId}"),
                _ => Problems.Create(StatusCodes.Status409Conflict, "Nothing to retry", $"Event {eventId} has no dead delivery."),
            };
        }
        return TypedResults.Accepted($"/events/{eventId}", new RetryAccepted(retried));
    }

    /// <summary>Reads ?page= (from 1, default 1) and ?limit= (1 to 100, default 20), naming whichever is wrong.</summary>
    internal static ProblemHttpResult? ParsePage(string? page, string? limit, out int pageNumber, out int pageSize)
    {
        pageNumber = 1;
        pageSize = 20;
        if (page is not null && (!int.TryParse(page, out pageNumber) || pageNumber < 1 || pageNumber > 1_000_000))
        {
            return Problems.Validation("page", "The page must be a whole number from 1 to 1,000,000.");
        }
        if (limit is not null && (!int.TryParse(limit, out pageSize) || pageSize < 1 || pageSize > MaxPageSize))
        {
            return Problems.Validation("limit", $"The limit must be a whole number from 1 to {MaxPageSize}.");
        }
        return null;
    }
}

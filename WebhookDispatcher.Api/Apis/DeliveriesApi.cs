using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookDispatcher.Api.Ingestion;
using WebhookDispatcher.Api.Models;
using WebhookDispatcher.Contracts;
using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Api.Apis;

/// <summary>Deliveries, and the dead-letter view: review dead deliveries and send them again by hand.</summary>
public static class DeliveriesApi
{
    private const int MaxBulkRetryBodyBytes = 16 * 1024;

    public static RouteGroupBuilder MapDeliveriesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/deliveries").WithTags("Deliveries");

        api.MapGet("/", ListDeliveries).WithSummary("Deliveries by status (status=dead for the dead letters), most recently changed first");
        api.MapGet("/{id}", GetDelivery).WithSummary("A delivery and its attempts");
        api.MapPost("/{id}/retry", RetryDelivery).WithSummary("Send a dead delivery again, with a fresh budget of attempts");
        api.MapPost("/retry/count", CountMatching).WithSummary("How many dead deliveries a bulk retry with this filter would send again (nothing changes)");
        api.MapPost("/retry", RetryMatching).WithSummary("Send every dead delivery matching a filter again (merchantId, endpointId, since, until), a page at a time; those of deleted endpoints stay dead and are counted as skipped");

        return api;
    }

    public static async Task<Results<Ok<DeliveryPage>, ProblemHttpResult>> ListDeliveries(
        DeliveryStore deliveries, string? status, string? endpointId, string? page, string? limit, CancellationToken cancellationToken)
    {
        if (status is not null && !DeliveryStatus.IsValid(status))
        {
            return Problems.Validation("status", $"The status must be one of {string.Join(", ", DeliveryStatus.All)}.");
        }
        Guid? endpoint = null;
        if (endpointId is not null)
        {
            if (!Guid.TryParse(endpointId, out var parsed))
            {
                return Problems.Validation("endpointId", $"'{endpointId}' is not an endpoint id (a UUID).");
            }
            endpoint = parsed;
        }
        if (EventsApi.ParsePage(page, limit, out var pageNumber, out var pageSize) is { } problem)
        {
            return problem;
        }
        var items = await deliveries.ListAsync(status, endpoint, pageSize, (pageNumber - 1) * pageSize, cancellationToken);
        return TypedResults.Ok(new DeliveryPage(pageNumber, pageSize, items));
    }

    public static async Task<Results<Ok<DeliveryDetails>, ProblemHttpResult>> GetDelivery(string id, DeliveryStore deliveries, CancellationToken cancellationToken)
    {
        if (!long.TryParse(id, out var deliveryId))
        {
            return Problems.Validation("id", $"'{id}' is not a delivery id (a number).");
        }
        return await deliveries.GetAsync(deliveryId, cancellationToken) is { } delivery
            ? TypedResults.Ok(delivery)
            : Problems.NotFound($"No delivery {deliveryId}.");
    }

    public static async Task<Results<Ok<BulkRetryResult>, ProblemHttpResult>> RetryMatching(
        HttpRequest request, DeliveryStore deliveries, IngestionUnitOfWork unitOfWork, CancellationToken cancellationToken)
    {
        var (filter, problem) = await ReadFilterAsync(request, cancellationToken);
        if (filter is null)
        {
            return problem!;
        }
        var retried = await unitOfWork.RetryDeadMatchingAsync(filter, cancellationToken);
        var skipped = await deliveries.CountEndpointDeletedMatchingAsync(filter, cancellationToken);
        return TypedResults.Ok(new BulkRetryResult(retried, skipped));
    }

    /// <summary>The bulk retry's confirmation: what it would retry now, counted with the same filter.</summary>
    public static async Task<Results<Ok<BulkRetryCount>, ProblemHttpResult>> CountMatching(
        HttpRequest request, DeliveryStore deliveries, CancellationToken cancellationToken)
    {
        var (filter, problem) = await ReadFilterAsync(request, cancellationToken);
        return filter is null ? problem! : TypedResults.Ok(new BulkRetryCount(await deliveries.CountDeadMatchingAsync(filter, cancellationToken)));
    }

    private static async Task<(BulkRetryFilter? Filter, ProblemHttpResult? Problem)> ReadFilterAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // No body at all is the widest filter: every dead delivery.
        JsonDocument? document = null;
        if (request.ContentLength is not 0 && (request.ContentLength is not null || request.Headers.TransferEncoding.Count > 0 || request.HasJsonContentType()))
        {
            (document, var problem) = await JsonBodyReader.ReadAsync(request, MaxBulkRetryBodyBytes, cancellationToken);
            if (problem is not null)
            {
                return (null, problem);
            }
        }
        using (document)
        {
            var errors = new Dictionary<string, string[]>();
            return BulkRetryRequestParser.Parse(document?.RootElement, errors) is { } filter
                ? (filter, null)
                : (null, Problems.Validation(errors));
        }
    }

    public static async Task<Results<Accepted<RetryAccepted>, ProblemHttpResult>> RetryDelivery(
        string id, DeliveryStore deliveries, IngestionUnitOfWork unitOfWork, CancellationToken cancellationToken)
    {
        if (!long.TryParse(id, out var deliveryId))
        {
            return Problems.Validation("id", $"'{id}' is not a delivery id (a number).");
        }
        var retried = await unitOfWork.RetryDeadAsync(deliveryId, null, cancellationToken);
        if (retried.Count == 0)
        {
            return await deliveries.GetAsync(deliveryId, cancellationToken) switch
            {
                null => Problems.NotFound($"No delivery {deliveryId}."),
                { EndpointDeleted: true } => EndpointDeletedProblem($"Delivery {deliveryId}"),
                var existing => Problems.Create(StatusCodes.Status409Conflict, "Not dead", $"Delivery {deliveryId} is {existing.Status}; only a dead delivery can be retried."),
            };
        }
        return TypedResults.Accepted($"/deliveries/{deliveryId}", new RetryAccepted(retried));
    }

    /// <summary>
    /// Why a deleted endpoint's delivery is never sent again: all that is left of its endpoint is the URL it was
    /// queued for, which may be someone else's by now, and its secret is gone, so it would be signed with the platform's.
    /// </summary>
    internal static ProblemHttpResult EndpointDeletedProblem(string what) =>
        Problems.Create(StatusCodes.Status409Conflict, "Endpoint deleted",
            $"{what} was for an endpoint that has been deleted, so it is not sent again: the URL it was queued for may no longer be the merchant's, and the endpoint's signing secret is gone. Register the endpoint again and send the event anew.");
}

using Microsoft.AspNetCore.Http.HttpResults;
using WebhookDispatcher.Api.Ingestion;
using WebhookDispatcher.Api.Models;
using WebhookDispatcher.Contracts;
using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Api.Apis;

/// <summary>The seed's status routes: one event's progress, and every delivery counted by status.</summary>
public static class StatusApi
{
    public static RouteGroupBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/status").WithTags("Status");

        api.MapGet("/all", GetSummary).WithSummary("Deliveries counted by status, and the events no endpoint subscribes to (unrouted)");
        api.MapGet("/{id}", GetStatus).WithSummary("Where one event's delivery stands");

        return api;
    }

    public static async Task<Ok<StatusSummary>> GetSummary(DeliveryStore deliveries, EventStore events, CancellationToken cancellationToken)
    {
        var counts = await deliveries.CountByStatusAsync(cancellationToken);
        var unrouted = await events.CountUnroutedAsync(cancellationToken);
        return TypedResults.Ok(new StatusSummary(
            counts[DeliveryStatus.Pending], counts[DeliveryStatus.InFlight], counts[DeliveryStatus.Delivered], counts[DeliveryStatus.Dead],
            unrouted, counts.Values.Sum()));
    }

    public static async Task<Results<Ok<EventStatus>, ProblemHttpResult>> GetStatus(string id, EventDetailsQuery events, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var eventId))
        {
            return Problems.Validation("id", $"'{id}' is not an event id (a UUID).");
        }
        var e = await events.GetAsync(eventId, cancellationToken);
        if (e is null)
        {
            return Problems.NotFound($"No event {eventId}.");
        }
        var latest = e.Deliveries.SelectMany(d => d.Attempts).MaxBy(a => a.StartedAt);
        return TypedResults.Ok(new EventStatus(
            e.Id,
            e.Status,
            e.Deliveries.Count,
            e.Deliveries.Sum(d => d.Attempts.Count),
            e.CreatedAt,
            e.Deliveries.Count > 0 && e.Deliveries.All(d => d.DeliveredAt is not null) ? e.Deliveries.Max(d => d.DeliveredAt) : null,
            e.Deliveries.Min(d => d.NextAttemptAt),
            latest?.StatusCode,
            latest?.Error));
    }
}

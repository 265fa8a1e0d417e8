using Microsoft.AspNetCore.Http.HttpResults;
using WebhookDispatcher.Api.Ingestion;
using WebhookDispatcher.Api.Models;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Api.Apis;

/// <summary>On-call alerts: what is failing now, what recovered, and whether Slack and PagerDuty were told.</summary>
public static class AlertsApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static RouteGroupBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/alerts").WithTags("Alerts");

        api.MapGet("/", ListAlerts).WithSummary("On-call alerts, newest first (state=firing or resolved), with each channel's notification status");

        return api;
    }

    public static async Task<Results<Ok<AlertList>, ProblemHttpResult>> ListAlerts(
        AlertStore alerts, string? state, string? limit, CancellationToken cancellationToken)
    {
        if (state is not null && !AlertState.IsValid(state))
        {
            return Problems.Validation("state", $"The state is {AlertState.Firing} or {AlertState.Resolved}.");
        }
        var count = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, out count) || count < 1 || count > MaxLimit))
        {
            return Problems.Validation("limit", $"The limit must be a whole number from 1 to {MaxLimit}.");
        }
        return TypedResults.Ok(new AlertList(state, count, await alerts.ListAsync(state, count, cancellationToken)));
    }
}

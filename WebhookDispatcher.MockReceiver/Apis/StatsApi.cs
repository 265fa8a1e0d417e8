using Microsoft.AspNetCore.Http.HttpResults;
using WebhookDispatcher.Core.Signing;
using WebhookDispatcher.MockReceiver.Services;

namespace WebhookDispatcher.MockReceiver.Apis;

/// <summary>What the mock merchant has seen, and knobs to change how it behaves while it runs.</summary>
public static class StatsApi
{
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/stats", GetStats).WithTags("Stats");
        app.MapPost("/stats/reset", ResetStats).WithTags("Stats");
        app.MapGet("/config", GetConfig).WithTags("Config");
        app.MapPut("/config", SetConfig).WithTags("Config");
        app.MapPost("/secrets", AddSecret).WithTags("Config");
        app.MapGet("/received/{webhookId}", WasReceived).WithTags("Stats");
        app.MapGet("/stats/accepted", GetAcceptedCounts).WithTags("Stats");
        app.MapGet("/stats/arrivals/{**path}", GetArrivals).WithTags("Stats")
            .WithSummary("When each request reached /webhook/{path}, oldest first (what a rate limit is judged by)");
        return app;
    }

    public static Ok<StatsSnapshot> GetStats(ReceiverStats stats) => TypedResults.Ok(stats.Snapshot());

    public static Ok<IReadOnlyList<DateTimeOffset>> GetArrivals(string path, ArrivalLog arrivals) =>
        TypedResults.Ok(arrivals.At("/webhook/" + path));

    public static NoContent ResetStats(ReceiverStats stats, ArrivalLog arrivals)
    {
        stats.Reset();
        arrivals.Clear();
        return TypedResults.NoContent();
    }

    public static Ok<ChaosConfig> GetConfig(ChaosBehaviour chaos) =>
        TypedResults.Ok(new ChaosConfig(chaos.FailureRate, chaos.HangRate, chaos.HangSeconds));

    public static Results<Ok<ChaosConfig>, ProblemHttpResult> SetConfig(ChaosConfig config, ChaosBehaviour chaos)
    {
        if (config.FailureRate is < 0 or > 1 || config.HangRate is < 0 or > 1 || (config.FailureRate ?? chaos.FailureRate) + (config.HangRate ?? chaos.HangRate) > 1)
        {
            return TypedResults.Problem(statusCode: 400, title: "Invalid rates", detail: "failureRate and hangRate are between 0 and 1, and add up to at most 1.");
        }
        if (config.HangSeconds is < 0 or > 3600)
        {
            return TypedResults.Problem(statusCode: 400, title: "Invalid hangSeconds", detail: "hangSeconds is 0 to 3600.");
        }
        chaos.Configure(config.FailureRate, config.HangRate, config.HangSeconds);
        return TypedResults.Ok(new ChaosConfig(chaos.FailureRate, chaos.HangRate, chaos.HangSeconds));
    }

    public static Results<NoContent, ProblemHttpResult> AddSecret(SecretRequest request, ChaosBehaviour chaos)
    {
        if (!WebhookSecret.TryParse(request.Secret, out var secret))
        {
            return TypedResults.Problem(statusCode: 400, title: "Invalid secret", detail: "secret is 'whsec_' followed by base64.");
        }
        chaos.AddSecret(secret);
        return TypedResults.NoContent();
    }

    /// <summary>Every accepted webhook-id with how often it was accepted: what the soak checks deliveries against.</summary>
    public static Ok<IReadOnlyDictionary<string, int>> GetAcceptedCounts(ReceiverStats stats) => TypedResults.Ok(stats.AcceptedCounts());

    public static Ok<ReceivedAnswer> WasReceived(string webhookId, ReceiverStats stats) =>
        TypedResults.Ok(new ReceivedAnswer(webhookId, stats.WasAccepted(webhookId)));
}

public sealed record ChaosConfig(double? FailureRate, double? HangRate, double? HangSeconds);

public sealed record SecretRequest(string? Secret);

public sealed record ReceivedAnswer(string WebhookId, bool Accepted);

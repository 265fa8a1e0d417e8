using Microsoft.AspNetCore.Http.HttpResults;
using WebhookDispatcher.Api.Models;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Api.Apis;

/// <summary>
/// The operator's re-seal: after a new key is made active (and every Api and Worker holds it), this seals every
/// endpoint secret under it, so the old key can then be removed. It is a route of the Api, which holds the keys
/// already, rather than a tool of its own, so it runs with the service's own configuration, behind its API keys,
/// and the AppHost's dashboard offers it as a command.
/// </summary>
public static class SecretsApi
{
    public static RouteGroupBuilder MapSecretsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/admin/secrets").WithTags("Secrets");
        api.MapPost("/reseal", Reseal).WithSummary("Seal every stored signing secret under the active key (Secrets:ActiveKey)");
        return api;
    }

    public static async Task<Ok<SecretResealResponse>> Reseal(EndpointStore endpoints, ILogger<EndpointStore> logger, CancellationToken cancellationToken)
    {
        var reseal = await endpoints.ResealAsync(plaintextOnly: false, cancellationToken);
        if (reseal.Unreadable.Count > 0)
        {
            logger.LogError("Re-seal: the signing secrets of {Count} endpoints do not open and were left as they are: {Endpoints}",
                reseal.Unreadable.Count, string.Join(", ", reseal.Unreadable));
        }
        logger.LogInformation("Re-seal: {Count} endpoints' secrets sealed under key {Key}", reseal.Resealed, reseal.ActiveKey);
        return TypedResults.Ok(new SecretResealResponse(reseal.ActiveKey, reseal.Resealed, reseal.Unreadable));
    }
}

using Microsoft.AspNetCore.Http.HttpResults;
using WebhookDispatcher.Api.Ingestion;
using WebhookDispatcher.Api.Models;
using WebhookDispatcher.Core.Signing;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Api.Apis;

/// <summary>
/// A merchant's endpoints: where its events are delivered. Each has its own whsec_ secret, shown once when the
/// endpoint is created (or its secret rotated) and never again.
/// </summary>
public static class MerchantEndpointsApi
{
    private const int MaxEndpointBodyBytes = 16 * 1024;

    public static RouteGroupBuilder MapMerchantEndpointsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/merchants/{merchantId}/endpoints").WithTags("Merchant endpoints");

        api.MapPost("/", CreateEndpoint).WithSummary("Register an endpoint; the answer holds its signing secret, once");
        api.MapGet("/", ListEndpoints).WithSummary("A merchant's endpoints");
        api.MapGet("/{id}", GetEndpoint).WithSummary("One endpoint");
        api.MapPatch("/{id}", UpdateEndpoint).WithSummary("Change an endpoint's url, description, event types, rate limit or enabled flag");
        api.MapPost("/{id}/disable", DisableEndpoint).WithSummary("Stop delivering to an endpoint; its deliveries are held, not lost");
        api.MapPost("/{id}/enable", EnableEndpoint).WithSummary("Deliver to an endpoint again, its held deliveries first");
        api.MapPost("/{id}/rotate-secret", RotateSecret).WithSummary("New signing secret; the old one keeps signing for the overlap (default 24 hours, 0 revokes it now)");
        api.MapDelete("/{id}", DeleteEndpoint).WithSummary("Remove an endpoint");

        app.MapGet("/endpoints/health", GetHealth).WithTags("Merchant endpoints").WithSummary("Every endpoint's delivery counts, last result, rate limit and shared circuit");

        return api;
    }

    public static async Task<Results<Created<EndpointWithSecret>, ProblemHttpResult>> CreateEndpoint(
        string merchantId, HttpRequest request, EndpointRequestParser parser, EndpointStore endpoints, CancellationToken cancellationToken)
    {
        if (MerchantProblem(merchantId) is { } merchantProblem)
        {
            return merchantProblem;
        }
        var (document, problem) = await JsonBodyReader.ReadAsync(request, MaxEndpointBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        using (document)
        {
            var errors = new Dictionary<string, string[]>();
            var parsed = await parser.ParseAsync(document!.RootElement, urlRequired: true, errors, cancellationToken);
            if (parsed is null)
            {
                return Problems.Validation(errors);
            }
            var secret = WebhookSecret.Generate();
            var endpoint = await endpoints.CreateAsync(merchantId, parsed.Url!, secret.Text, parsed.Description, parsed.EventTypes,
                parsed.RateLimitPerSecond, parsed.LegacySignature ?? false, cancellationToken);
            if (parsed.Enabled == false)
            {
                endpoint = await endpoints.UpdateAsync(merchantId, endpoint.Id, new EndpointChange { Enabled = false }, cancellationToken) ?? endpoint;
            }
            return TypedResults.Created($"/merchants/{merchantId}/endpoints/{endpoint.Id}", EndpointWithSecret.From(endpoint, secret.Text));
        }
    }

    public static async Task<Results<Ok<IReadOnlyList<MerchantEndpoint>>, ProblemHttpResult>> ListEndpoints(
        string merchantId, EndpointStore endpoints, CancellationToken cancellationToken)
    {
        if (MerchantProblem(merchantId) is { } problem)
        {
            return problem;
        }
        return TypedResults.Ok(await endpoints.ListAsync(merchantId, cancellationToken));
    }

    public static async Task<Results<Ok<MerchantEndpoint>, ProblemHttpResult>> GetEndpoint(
        string merchantId, string id, EndpointStore endpoints, CancellationToken cancellationToken)
    {
        if (IdProblem(merchantId, id, out var endpointId) is { } problem)
        {
            return problem;
        }
        return await endpoints.GetAsync(merchantId, endpointId, cancellationToken) is { } endpoint
            ? TypedResults.Ok(endpoint)
            : NotFound(merchantId, endpointId);
    }

    public static async Task<Results<Ok<MerchantEndpoint>, ProblemHttpResult>> UpdateEndpoint(
        string merchantId, string id, HttpRequest request, EndpointRequestParser parser, EndpointStore endpoints, EndpointResumer resumer,
        CancellationToken cancellationToken)
    {
        if (IdProblem(merchantId, id, out var endpointId) is { } idProblem)
        {
            return idProblem;
        }
        var (document, problem) = await JsonBodyReader.ReadAsync(request, MaxEndpointBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        using (document)
        {
            var errors = new Dictionary<string, string[]>();
            var parsed = await parser.ParseAsync(document!.RootElement, urlRequired: false, errors, cancellationToken);
            if (parsed is null)
            {
                return Problems.Validation(errors);
            }
            var updated = await endpoints.UpdateAsync(merchantId, endpointId, parsed.ToChange(), cancellationToken);
            if (updated is null)
            {
                return NotFound(merchantId, endpointId);
            }
            if (parsed.Enabled == true)
            {
                await resumer.ResumeAsync(endpointId, cancellationToken);
            }
            return TypedResults.Ok(updated);
        }
    }

    public static Task<Results<Ok<MerchantEndpoint>, ProblemHttpResult>> DisableEndpoint(
        string merchantId, string id, EndpointStore endpoints, EndpointResumer resumer, CancellationToken cancellationToken) =>
        SetEnabled(merchantId, id, false, endpoints, resumer, cancellationToken);

    public static Task<Results<Ok<MerchantEndpoint>, ProblemHttpResult>> EnableEndpoint(
        string merchantId, string id, EndpointStore endpoints, EndpointResumer resumer, CancellationToken cancellationToken) =>
        SetEnabled(merchantId, id, true, endpoints, resumer, cancellationToken);

    /// <summary>
    /// A new secret, shown once. The secret replaced keeps signing beside it for the overlap. There is room for one
    /// old secret: a rotation inside the overlap of the one before revokes the secret before that one now, and the
    /// answer says so (<c>earlierSecretRevoked</c>).
    /// </summary>
    public static async Task<Results<Ok<RotatedEndpointSecret>, ProblemHttpResult>> RotateSecret(
        string merchantId, string id, HttpRequest request, EndpointStore endpoints, CancellationToken cancellationToken)
    {
        if (IdProblem(merchantId, id, out var endpointId) is { } problem)
        {
            return problem;
        }
        var (overlap, overlapProblem) = await SecretRotationRequestParser.ParseAsync(request, cancellationToken);
        if (overlapProblem is not null)
        {
            return overlapProblem;
        }
        var secret = WebhookSecret.Generate();
        return await endpoints.RotateSecretAsync(merchantId, endpointId, secret.Text, overlap, cancellationToken) is { } rotation
            ? TypedResults.Ok(RotatedEndpointSecret.From(rotation, secret.Text))
            : NotFound(merchantId, endpointId);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteEndpoint(
        string merchantId, string id, EndpointStore endpoints, CancellationToken cancellationToken)
    {
        if (IdProblem(merchantId, id, out var endpointId) is { } problem)
        {
            return problem;
        }
        return await endpoints.DeleteAsync(merchantId, endpointId, cancellationToken) ? TypedResults.NoContent() : NotFound(merchantId, endpointId);
    }

    public static async Task<Results<Ok<IReadOnlyList<EndpointHealth>>, ProblemHttpResult>> GetHealth(
        string? merchantId, EndpointStore endpoints, CancellationToken cancellationToken)
    {
        if (merchantId is not null && MerchantProblem(merchantId) is { } problem)
        {
            return problem;
        }
        return TypedResults.Ok(await endpoints.HealthAsync(merchantId, cancellationToken));
    }

    private static async Task<Results<Ok<MerchantEndpoint>, ProblemHttpResult>> SetEnabled(
        string merchantId, string id, bool enabled, EndpointStore endpoints, EndpointResumer resumer, CancellationToken cancellationToken)
    {
        if (IdProblem(merchantId, id, out var endpointId) is { } problem)
        {
            return problem;
        }
        var updated = await endpoints.UpdateAsync(merchantId, endpointId, new EndpointChange { Enabled = enabled }, cancellationToken);
        if (updated is null)
        {
            return NotFound(merchantId, endpointId);
        }
        if (enabled)
        {
            await resumer.ResumeAsync(endpointId, cancellationToken);
        }
        return TypedResults.Ok(updated);
    }

    private static ProblemHttpResult? MerchantProblem(string merchantId) =>
        EventRequestParser.IsIdentifier(merchantId)
            ? null
            : Problems.Validation("merchantId", "A merchant id must be 1 to 128 letters, digits and _ . : -, starting with a letter or digit.");

    private static ProblemHttpResult? IdProblem(string merchantId, string id, out Guid endpointId)
    {
        endpointId = Guid.Empty;
        if (MerchantProblem(merchantId) is { } problem)
        {
            return problem;
        }
        return Guid.TryParse(id, out endpointId) ? null : Problems.Validation("id", $"'{id}' is not an endpoint id (a UUID).");
    }

    private static ProblemHttpResult NotFound(string merchantId, Guid id) =>
        Problems.NotFound($"Merchant '{merchantId}' has no endpoint {id}.");
}

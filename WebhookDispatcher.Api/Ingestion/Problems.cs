using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace WebhookDispatcher.Api.Ingestion;

/// <summary>The problem+json answers the Api gives, in one place so they read alike.</summary>
public static class Problems
{
    public static ProblemHttpResult Create(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    /// <summary>A 400 naming the field that is wrong, in the shape of ASP.NET Core's validation problems.</summary>
    public static ProblemHttpResult Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult Validation(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more fields are invalid.",
            Detail = string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
        });

    /// <summary>A 413 naming each part of the body that is over its limit (events[3], say).</summary>
    public static ProblemHttpResult TooLarge(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status413PayloadTooLarge,
            Title = "Payload too large",
            Detail = string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
        });

    /// <summary>A 503 that says when to come back; the caller sets the Retry-After header from <paramref name="retryAfterSeconds"/>.</summary>
    public static ProblemHttpResult Unavailable(string detail, int retryAfterSeconds) =>
        TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "Service unavailable",
            Detail = detail,
            Extensions = { ["retryAfterSeconds"] = retryAfterSeconds },
        });

    public static ProblemHttpResult NotFound(string detail) =>
        Create(StatusCodes.Status404NotFound, "Not found", detail);
}

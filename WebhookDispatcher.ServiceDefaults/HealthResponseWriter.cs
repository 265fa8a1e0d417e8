using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Writes <c>{"status":"Healthy","checks":{"postgres":{"status":"Healthy","description":"Answering."},…}}</c>, so a
/// person (or the seed's "is the API, DB and Redis up" check) can see which dependency is down, not only that one is.
/// /health answers anyone who can reach the port, without a key, so each check's description is a fixed message
/// for its status: an exception's text (a host name, a user, a server version, a path) stays in the service's own
/// logs and traces.
/// </summary>
internal static class HealthResponseWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = Describe(e.Value.Status) }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, cancellationToken: context.RequestAborted);
    }

    public static string Describe(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "Answering.",
        HealthStatus.Degraded => "Degraded: the service carries on, and its logs say why.",
        _ => "Not answering: the service's logs say why.",
    };
}

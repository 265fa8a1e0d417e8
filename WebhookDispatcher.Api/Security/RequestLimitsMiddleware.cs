namespace WebhookDispatcher.Api.Security;

/// <summary>
/// Refuses oversized headers and URLs with a problem+json answer. Kestrel's own limits sit above these (see
/// Extensions), because a request Kestrel refuses itself gets a bare status with no body; here the caller learns
/// what was too big. A producer sends a key, a content type, a trace context and an idempotency key: well under
/// 16 KiB.
/// </summary>
public sealed class RequestLimitsMiddleware(RequestDelegate next, IProblemDetailsService problems)
{
    public const int MaxHeaderBytes = 16 * 1024;
    public const int MaxUrlLength = 8 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Path.Value?.Length + request.QueryString.Value?.Length > MaxUrlLength)
        {
            await RefuseAsync(context, StatusCodes.Status414UriTooLong, "URI too long", $"The path and query are longer than {MaxUrlLength} characters.");
            return;
        }

        var headerBytes = 0L;
        foreach (var (name, values) in request.Headers)
        {
            headerBytes += name.Length;
            foreach (var value in values)
            {
                headerBytes += value?.Length ?? 0;
            }
        }
        if (headerBytes > MaxHeaderBytes)
        {
            await RefuseAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, "Request headers too large",
                $"The request headers add up to more than {MaxHeaderBytes} bytes.");
            return;
        }

        await next(context);
    }

    private async Task RefuseAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}

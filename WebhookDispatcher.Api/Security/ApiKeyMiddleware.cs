using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace WebhookDispatcher.Api.Security;

/// <summary>
/// When keys are configured, every route but the health probes needs <c>Authorization: Bearer &lt;key&gt;</c>.
/// Keys are compared in constant time so a caller can't learn one a byte at a time.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<ApiOptions> options, IProblemDetailsService problems)
{
    private readonly byte[][] _keys = [.. options.Value.EffectiveKeys().Select(Encoding.UTF8.GetBytes)];

    public async Task InvokeAsync(HttpContext context)
    {
        if (_keys.Length == 0 || context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments("/alive"))
        {
            await next(context);
            return;
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && IsKnown(header.AsSpan(7).Trim()))
        {
            await next(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = string.IsNullOrEmpty(header)
                    ? "An API key is required: send 'Authorization: Bearer <key>'."
                    : "The API key in the Authorization header is not valid.",
            },
        });
    }

    private bool IsKnown(ReadOnlySpan<char> presented)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (Encoding.UTF8.GetMaxByteCount(presented.Length) > buffer.Length)
        {
            return false;
        }
        var bytes = buffer[..Encoding.UTF8.GetBytes(presented, buffer)];
        var known = false;
        foreach (var key in _keys)
        {
            // Check every key, so the time taken doesn't say which one nearly matched.
            known |= CryptographicOperations.FixedTimeEquals(bytes, key);
        }
        return known;
    }
}

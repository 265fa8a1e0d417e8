using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace WebhookDispatcher.Api.Ingestion;

/// <summary>
/// Reads a JSON request body ourselves rather than through model binding, so every way a body can be wrong
/// (not JSON, not UTF-8, too deep, too big, wrong content type) gets its own clear problem+json answer.
/// </summary>
public static class JsonBodyReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    public static async Task<(JsonDocument? Document, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return (null, Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                "The body must be JSON, sent with 'Content-Type: application/json'."));
        }
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes + 1, (int?)request.ContentLength + 1 ?? 16 * 1024));
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > maxBytes)
                    {
                        return (null, TooLarge(maxBytes));
                    }
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                length += read;
                if (length > maxBytes)
                {
                    return (null, TooLarge(maxBytes));
                }
            }

            if (length == 0)
            {
                return (null, Problems.Validation("body", "The request body is empty; a JSON object is expected."));
            }
            try
            {
                return (JsonDocument.Parse(buffer.AsMemory(0, length), DocumentOptions), null);
            }
            catch (JsonException ex)
            {
                return (null, Problems.Validation("body", $"The request body is not valid JSON: {ex.Message}"));
            }
        }
        catch (BadHttpRequestException ex)
        {
            return (null, Problems.Create(ex.StatusCode, "Bad request", ex.Message));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ProblemHttpResult TooLarge(int maxBytes) =>
        Problems.Create(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The request body is larger than {maxBytes} bytes.");
}

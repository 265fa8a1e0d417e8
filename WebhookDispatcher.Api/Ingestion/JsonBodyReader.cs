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
    // Duplicate names are refused: one reader of a body would see the first value and another the last, so what
    // was checked need not be what is stored or sent.
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

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
            // JsonDocument.Parse keeps the memory it is given rather than copying it, and the callers read the
            // document long after this returns (across DNS checks and other awaits). The pooled buffer goes back to
            // the pool below, where another request may rent and overwrite it, so the document gets bytes of its own
            // that live exactly as long as it does.
            var owned = buffer.AsSpan(0, length).ToArray();
            try
            {
                return (JsonDocument.Parse(owned, DocumentOptions), null);
            }
            catch (JsonException ex)
            {
                return (null, DuplicateProperty(owned) is { } duplicate
                    ? Problems.Validation(duplicate, $"The property '{duplicate}' appears more than once in one object; each name may appear once.")
                    : Problems.Validation("body", $"The request body is not valid JSON: {ex.Message}"));
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

    /// <summary>
    /// When the body is valid JSON but for a repeated name, the path of the first one (data.amount, [2].type), so the
    /// producer can find it: the parser's own message gives neither the path nor more than 15 characters of the name.
    /// Only on the error path, so the second parse costs a good request nothing.
    /// </summary>
    private static string? DuplicateProperty(byte[] body)
    {
        try
        {
            using var lenient = JsonDocument.Parse(body, DocumentOptions with { AllowDuplicateProperties = true });
            return FirstDuplicate(lenient.RootElement, "");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? FirstDuplicate(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                var name = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                if (!seen.Add(property.Name))
                {
                    return name;
                }
                if (FirstDuplicate(property.Value, name) is { } inner)
                {
                    return inner;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                if (FirstDuplicate(item, $"{path}[{index++}]") is { } inner)
                {
                    return inner;
                }
            }
        }
        return null;
    }

    private static ProblemHttpResult TooLarge(int maxBytes) =>
        Problems.Create(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The request body is larger than {maxBytes} bytes.");
}

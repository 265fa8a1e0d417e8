using System.IO.Compression;
using Microsoft.AspNetCore.Http;

namespace WebhookDispatcher.AppHost.Dashboard.Otlp;

/// <summary>
/// Reads an OTLP/HTTP body into memory, refusing anything past the size limit, compressed or not: a gzip bomb is
/// cut off at the same limit as a plain body.
/// </summary>
public static class OtlpRequestReader
{
    public const int DefaultMaxBodyBytes = 8 * 1024 * 1024;

    public enum Outcome
    {
        Ok,
        TooLarge,
        BadEncoding,
    }

    public static async Task<(Outcome Outcome, byte[] Body)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return (Outcome.TooLarge, []);
        }
        var encoding = request.Headers.ContentEncoding.ToString();
        Stream body = request.Body;
        if (encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
        {
            body = new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true);
        }
        else if (encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return (Outcome.BadEncoding, []);
        }

        await using (body.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            try
            {
                int read;
                while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
                {
                    if (buffer.Length + read > maxBytes)
                    {
                        return (Outcome.TooLarge, []);
                    }
                    buffer.Write(chunk, 0, read);
                }
            }
            catch (InvalidDataException)
            {
                return (Outcome.BadEncoding, []);
            }
            return (Outcome.Ok, buffer.ToArray());
        }
    }
}

using System.Text.Json;
using System.Xml;
using Microsoft.AspNetCore.Http.HttpResults;

namespace WebhookDispatcher.Api.Ingestion;

/// <summary>
/// The overlap of a secret rotation: how long the secret replaced keeps signing beside the new one. Given as an
/// ISO 8601 duration in the body (<c>{"overlap": "PT1H"}</c>) or the query (<c>?overlap=PT1H</c>); absent, 24 hours;
/// <c>PT0S</c> (or <c>0</c>) revokes the old secret at once, for a secret that leaked.
/// </summary>
public static class SecretRotationRequestParser
{
    public static readonly TimeSpan DefaultOverlap = TimeSpan.FromHours(24);
    public static readonly TimeSpan MaxOverlap = TimeSpan.FromDays(7);
    private const int MaxBodyBytes = 1024;

    public static async Task<(TimeSpan Overlap, ProblemHttpResult? Problem)> ParseAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        string? text = request.Query.TryGetValue("overlap", out var query) ? query.ToString() : null;
        if (request.ContentLength is > 0 || (request.ContentLength is null && request.ContentType is not null))
        {
            var (document, problem) = await JsonBodyReader.ReadAsync(request, MaxBodyBytes, cancellationToken);
            if (problem is not null)
            {
                return (default, problem);
            }
            using (document)
            {
                var body = document!.RootElement;
                if (body.ValueKind != JsonValueKind.Object)
                {
                    return (default, Problems.Validation("body", "A rotation's body must be a JSON object such as {\"overlap\": \"PT1H\"}, or nothing."));
                }
                if (body.TryGetProperty("overlap", out var overlap) && overlap.ValueKind != JsonValueKind.Null)
                {
                    if (overlap.ValueKind != JsonValueKind.String)
                    {
                        return (default, Invalid());
                    }
                    if (text is not null && text != overlap.GetString())
                    {
                        return (default, Problems.Validation("overlap", "'overlap' is given in both the query and the body, differently."));
                    }
                    text = overlap.GetString();
                }
            }
        }
        if (text is null)
        {
            return (DefaultOverlap, null);
        }
        if (text == "0")
        {
            return (TimeSpan.Zero, null);
        }
        TimeSpan parsed;
        try
        {
            parsed = XmlConvert.ToTimeSpan(text);
        }
        catch (FormatException)
        {
            return (default, Invalid());
        }
        catch (OverflowException)
        {
            return (default, Invalid());
        }
        return parsed < TimeSpan.Zero || parsed > MaxOverlap ? (default, Invalid()) : (parsed, null);
    }

    private static ProblemHttpResult Invalid() =>
        Problems.Validation("overlap",
            $"'overlap' is an ISO 8601 duration from PT0S (revoke the old secret now) to P{MaxOverlap.TotalDays:0}D, such as \"PT1H\"; absent, the old secret signs for 24 hours.");
}

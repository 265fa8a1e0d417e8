using System.Text.Json;
using System.Text.RegularExpressions;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Core.Targets;

namespace WebhookDispatcher.Api.Ingestion;

/// <summary>
/// A merchant endpoint as registered or changed. Absent fields are null; <see cref="HasEventTypes"/> and
/// <see cref="HasRateLimit"/> tell an explicit null (every type; no limit) from absence (unchanged).
/// </summary>
public sealed record EndpointRequest(string? Url, string? Description, bool HasEventTypes, IReadOnlyList<string>? EventTypes, bool? Enabled,
    bool HasRateLimit = false, int? RateLimitPerSecond = null, bool? LegacySignature = null)
{
    /// <summary>The request as a change to a stored endpoint: what it gives replaces, what it leaves out is kept.</summary>
    public EndpointChange ToChange() => new()
    {
        Url = Url,
        Description = Description,
        EventTypes = HasEventTypes ? new(EventTypes) : null,
        Enabled = Enabled,
        RateLimitPerSecond = HasRateLimit ? new(RateLimitPerSecond) : null,
        LegacySignature = LegacySignature,
    };
}

/// <summary>
/// Validates the body of endpoint registration and updates:
/// <c>{ "url", "description"?, "eventTypes"?, "enabled"?, "rateLimitPerSecond"?, "legacySignature"? }</c>.
/// <c>legacySignature</c> asks for the seeds' body-only X-Signature beside the Standard Webhooks signature; it has
/// no timestamp, so a captured delivery can be replayed forever, and it is off unless asked for.
/// </summary>
public sealed partial class EndpointRequestParser(TargetUrlPolicy targetPolicy)
{
    private const int MaxDescriptionLength = 500;
    private const int MaxEventTypes = 100;
    public const int MaxRateLimitPerSecond = 100_000;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.:*-]*$")]
    private static partial Regex EventTypePattern();

    public async Task<EndpointRequest?> ParseAsync(JsonElement body, bool urlRequired, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = ["An endpoint must be a JSON object."];
            return null;
        }

        string? url = null;
        if (body.TryGetProperty("url", out var urlElement) && urlElement.ValueKind != JsonValueKind.Null)
        {
            if (urlElement.ValueKind != JsonValueKind.String)
            {
                errors["url"] = ["'url' must be a string."];
            }
            else if (await targetPolicy.CheckAsync(urlElement.GetString(), cancellationToken) is { } problem)
            {
                errors["url"] = [problem];
            }
            else
            {
                url = urlElement.GetString();
            }
        }
        else if (urlRequired)
        {
            errors["url"] = ["'url' is required."];
        }

        string? description = null;
        if (body.TryGetProperty("description", out var descriptionElement) && descriptionElement.ValueKind != JsonValueKind.Null)
        {
            if (descriptionElement.ValueKind != JsonValueKind.String || descriptionElement.GetString()!.Length > MaxDescriptionLength)
            {
                errors["description"] = [$"'description' must be a string of at most {MaxDescriptionLength} characters."];
            }
            else
            {
                description = descriptionElement.GetString();
            }
        }

        List<string>? eventTypes = null;
        var hasEventTypes = body.TryGetProperty("eventTypes", out var typesElement);
        if (hasEventTypes && typesElement.ValueKind != JsonValueKind.Null)
        {
            if (typesElement.ValueKind != JsonValueKind.Array || typesElement.GetArrayLength() > MaxEventTypes)
            {
                errors["eventTypes"] = [$"'eventTypes' is an array of at most {MaxEventTypes} event type names, or null for all types."];
            }
            else
            {
                eventTypes = [];
                foreach (var type in typesElement.EnumerateArray())
                {
                    if (type.ValueKind != JsonValueKind.String || type.GetString() is not { Length: > 0 and <= 128 } name || !EventTypePattern().IsMatch(name))
                    {
                        errors["eventTypes"] = ["Each event type must be a name such as 'payment.succeeded'."];
                        break;
                    }
                    eventTypes.Add(name);
                }
            }
        }

        bool? enabled = null;
        if (body.TryGetProperty("enabled", out var enabledElement) && enabledElement.ValueKind != JsonValueKind.Null)
        {
            if (enabledElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                errors["enabled"] = ["'enabled' must be true or false."];
            }
            else
            {
                enabled = enabledElement.GetBoolean();
            }
        }

        int? rateLimit = null;
        var hasRateLimit = body.TryGetProperty("rateLimitPerSecond", out var rateElement);
        if (hasRateLimit && rateElement.ValueKind != JsonValueKind.Null)
        {
            if (rateElement.ValueKind != JsonValueKind.Number || !rateElement.TryGetInt32(out var rate) || rate is < 1 or > MaxRateLimitPerSecond)
            {
                errors["rateLimitPerSecond"] = [$"'rateLimitPerSecond' must be a whole number of requests per second from 1 to {MaxRateLimitPerSecond:N0}, or null for no limit."];
            }
            else
            {
                rateLimit = rate;
            }
        }

        bool? legacySignature = null;
        if (body.TryGetProperty("legacySignature", out var legacyElement) && legacyElement.ValueKind != JsonValueKind.Null)
        {
            if (legacyElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                errors["legacySignature"] = ["'legacySignature' is true (also send the body-only X-Signature) or false."];
            }
            else
            {
                legacySignature = legacyElement.GetBoolean();
            }
        }

        return errors.Count > 0 ? null : new EndpointRequest(url, description, hasEventTypes, eventTypes, enabled, hasRateLimit, rateLimit, legacySignature);
    }
}

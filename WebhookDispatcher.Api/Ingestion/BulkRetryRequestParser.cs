using System.Globalization;
using System.Text.Json;
using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Api.Ingestion;

/// <summary>
/// The filter of <c>POST /deliveries/retry</c>: <c>{ "status"?, "merchantId"?, "endpointId"?, "since"?, "until"? }</c>,
/// every field optional. Only dead deliveries are retried in bulk (a delivered one was already received); the
/// times bound when a delivery went dead.
/// </summary>
public static class BulkRetryRequestParser
{
    public static BulkRetryFilter? Parse(JsonElement? body, IDictionary<string, string[]> errors)
    {
        if (body is not { } root || root.ValueKind == JsonValueKind.Null)
        {
            return new BulkRetryFilter(null, null, null, null);
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors["$"] = ["The body must be a JSON object: { \"status\", \"merchantId\", \"endpointId\", \"since\", \"until\" }, each optional."];
            return null;
        }

        foreach (var property in root.EnumerateObject())
        {
            if (property.Name is not ("status" or "merchantId" or "endpointId" or "since" or "until"))
            {
                errors[property.Name] = ["Unknown field; a bulk retry filters on status, merchantId, endpointId, since and until."];
            }
        }
        if (String(root, "status", errors) is { } status && status != DeliveryStatus.Dead)
        {
            errors["status"] = [$"Only dead deliveries are retried in bulk; '{status}' is not '{DeliveryStatus.Dead}'."];
        }
        var merchantId = String(root, "merchantId", errors);
        if (merchantId is { Length: 0 or > 200 })
        {
            errors["merchantId"] = ["A merchantId must be 1 to 200 characters."];
        }
        Guid? endpointId = null;
        if (String(root, "endpointId", errors) is { } endpoint)
        {
            if (Guid.TryParse(endpoint, out var parsed))
            {
                endpointId = parsed;
            }
            else
            {
                errors["endpointId"] = [$"'{endpoint}' is not an endpoint id (a UUID)."];
            }
        }
        var since = Time(root, "since", errors);
        var until = Time(root, "until", errors);
        if (since is not null && until is not null && since >= until)
        {
            errors["until"] = ["until must be later than since."];
        }
        return errors.Count == 0 ? new BulkRetryFilter(merchantId, endpointId, since, until) : null;
    }

    private static string? String(JsonElement root, string name, IDictionary<string, string[]> errors)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            errors[name] = [$"{name} must be a string."];
            return null;
        }
        return value.GetString();
    }

    private static DateTimeOffset? Time(JsonElement root, string name, IDictionary<string, string[]> errors)
    {
        if (String(root, name, errors) is not { } text)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time) && text.Contains('T'))
        {
            return time;
        }
        errors[name] = [$"'{text}' is not an ISO 8601 time with a date and a time of day, such as 2026-12-01T08:00:00Z."];
        return null;
    }
}

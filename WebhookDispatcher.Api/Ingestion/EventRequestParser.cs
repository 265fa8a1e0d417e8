using System.Text.Json;
using System.Text.RegularExpressions;
using WebhookDispatcher.Core.Targets;

namespace WebhookDispatcher.Api.Ingestion;

/// <summary>
/// Turns a JSON body into an <see cref="EventRequest"/>, accepting three shapes:
/// <list type="bullet">
/// <item>canonical: <c>{ "merchantId", "type", "data", "idempotencyKey"? }</c>;</item>
/// <item>the payment seed: <c>{ "merchantId", "amount", "currency", "transactionId" }</c>, a <c>payment.succeeded</c>
/// event whose data is the body as sent;</item>
/// <item>the ad-hoc seed: <c>{ "target_url", "payload" }</c>, delivered to that URL rather than to a merchant's endpoints.</item>
/// </list>
/// Every problem found is reported against the field's path, all at once.
/// The ad-hoc shape signs any URL with the platform's secret, so it is refused unless <paramref name="allowAdHocTargets"/>
/// (outside Development, only when <c>Api:AllowAdHocTargets</c> is set); allowed, it still passes the SSRF guard.
/// </summary>
public sealed partial class EventRequestParser(TargetUrlPolicy targetPolicy, bool allowAdHocTargets = true)
{
    public const string AdHocTargetsOff =
        "Ad-hoc targets ({ target_url, payload }) are off outside Development: register an endpoint for the merchant, or set Api:AllowAdHocTargets to true.";

    public const string PaymentEventType = "payment.succeeded";
    public const string AdHocMerchantId = "adhoc";
    public const string AdHocEventType = "webhook";
    private const int MaxIdLength = 128;
    private const int MaxIdempotencyKeyLength = 255;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.:-]*$")]
    private static partial Regex IdentifierPattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();

    /// <summary>Whether a merchant id or event type is well formed.</summary>
    public static bool IsIdentifier(string? value) => value is { Length: > 0 and <= MaxIdLength } && IdentifierPattern().IsMatch(value);

    public async Task<EventRequest?> ParseAsync(JsonElement body, string? headerIdempotencyKey, string path, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            Add(errors, Name(path, "body"), "An event must be a JSON object.");
            return null;
        }

        var errorCount = errors.Count;
        var isAdHoc = body.TryGetProperty("target_url", out _) || body.TryGetProperty("payload", out _);
        var isPayment = !isAdHoc && (body.TryGetProperty("amount", out _) || body.TryGetProperty("currency", out _) || body.TryGetProperty("transactionId", out _));

        string? merchantId, type, payloadJson, targetUrl = null;
        if (isAdHoc)
        {
            merchantId = OptionalIdentifier(body, "merchantId", path, errors) ?? AdHocMerchantId;
            type = OptionalIdentifier(body, "type", path, errors) ?? AdHocEventType;
            payloadJson = RequiredStructured(body, "payload", path, errors);
            if (!allowAdHocTargets)
            {
                Add(errors, Name(path, "target_url"), AdHocTargetsOff);
            }
            else
            {
                targetUrl = RequiredString(body, "target_url", TargetUrlPolicy.MaxLength, path, errors);
                if (targetUrl is not null && await CheckTargetAsync(targetUrl, cancellationToken) is { } problem)
                {
                    Add(errors, Name(path, "target_url"), problem);
                    targetUrl = null;
                }
            }
        }
        else if (isPayment)
        {
            merchantId = RequiredIdentifier(body, "merchantId", path, errors);
            type = OptionalIdentifier(body, "type", path, errors) ?? PaymentEventType;
            CheckAmount(body, path, errors);
            if (RequiredString(body, "currency", 3, path, errors) is { } currency && !CurrencyPattern().IsMatch(currency))
            {
                Add(errors, Name(path, "currency"), "The currency must be a three-letter ISO 4217 code in capitals, such as INR or USD.");
            }
            RequiredString(body, "transactionId", MaxIdLength, path, errors);
            // The payment seed's body is itself the data: the merchant receives it as the producer sent it.
            payloadJson = body.GetRawText();
        }
        else
        {
            merchantId = RequiredIdentifier(body, "merchantId", path, errors);
            type = RequiredIdentifier(body, "type", path, errors);
            payloadJson = RequiredStructured(body, "data", path, errors);
        }

        var idempotencyKey = IdempotencyKey(body, headerIdempotencyKey, path, errors);
        if (errors.Count > errorCount)
        {
            return null;
        }
        return new EventRequest(merchantId!, type!, payloadJson!, idempotencyKey, targetUrl);
    }

    /// <summary>
    /// The SSRF check of an ad-hoc target. The token carries the request's deadline for all of its checks: once it
    /// has passed, the URLs not yet checked are named as such rather than looked up one after another.
    /// </summary>
    private async Task<string?> CheckTargetAsync(string targetUrl, CancellationToken cancellationToken)
    {
        try
        {
            return await targetPolicy.CheckAsync(targetUrl, cancellationToken);
        }
        // Past the deadline the policy lets the lookup's own failure through as well (it cannot tell the deadline
        // from the request going away); either way this URL was not checked in time.
        catch (Exception ex) when (ex is OperationCanceledException or System.Net.Sockets.SocketException && cancellationToken.IsCancellationRequested)
        {
            var host = Uri.TryCreate(targetUrl, UriKind.Absolute, out var uri) ? uri.Host : targetUrl;
            return $"The host '{host}' could not be checked before the request's deadline for target checks.";
        }
    }

    private static string? IdempotencyKey(JsonElement body, string? header, string path, Dictionary<string, string[]> errors)
    {
        string? field = null;
        if (body.TryGetProperty("idempotencyKey", out var element) && element.ValueKind != JsonValueKind.Null)
        {
            field = element.ValueKind == JsonValueKind.String ? element.GetString() : null;
            if (field is null)
            {
                Add(errors, Name(path, "idempotencyKey"), "An idempotency key must be a string.");
                return null;
            }
            if (!IsValidKey(field))
            {
                Add(errors, Name(path, "idempotencyKey"), $"An idempotency key must be 1 to {MaxIdempotencyKeyLength} printable ASCII characters.");
                return null;
            }
        }
        if (header is not null)
        {
            if (!IsValidKey(header))
            {
                Add(errors, "Idempotency-Key", $"The Idempotency-Key header must be 1 to {MaxIdempotencyKeyLength} printable ASCII characters.");
                return null;
            }
            if (field is not null && field != header)
            {
                Add(errors, Name(path, "idempotencyKey"), "The idempotencyKey field and the Idempotency-Key header differ.");
                return null;
            }
            return header;
        }
        return field;
    }

    private static bool IsValidKey(string key) =>
        key.Length is > 0 and <= MaxIdempotencyKeyLength && key.All(c => c is >= ' ' and <= '~');

    private static void CheckAmount(JsonElement body, string path, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("amount", out var amount) || amount.ValueKind == JsonValueKind.Null)
        {
            Add(errors, Name(path, "amount"), "The amount is required.");
        }
        else if (amount.ValueKind != JsonValueKind.Number || !amount.TryGetDecimal(out var value))
        {
            Add(errors, Name(path, "amount"), "The amount must be a number.");
        }
        else if (value <= 0)
        {
            Add(errors, Name(path, "amount"), "The amount must be greater than zero.");
        }
    }

    private static string? RequiredIdentifier(JsonElement body, string name, string path, Dictionary<string, string[]> errors)
    {
        var value = RequiredString(body, name, MaxIdLength, path, errors);
        return value is null ? null : CheckIdentifier(value, name, path, errors);
    }

    private static string? OptionalIdentifier(JsonElement body, string name, string path, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var value = RequiredString(body, name, MaxIdLength, path, errors);
        return value is null ? null : CheckIdentifier(value, name, path, errors);
    }

    private static string? CheckIdentifier(string value, string name, string path, Dictionary<string, string[]> errors)
    {
        if (IdentifierPattern().IsMatch(value))
        {
            return value;
        }
        Add(errors, Name(path, name), $"'{name}' starts with a letter or digit and has only letters, digits and _ . : -");
        return null;
    }

    private static string? RequiredString(JsonElement body, string name, int maxLength, string path, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            Add(errors, Name(path, name), $"'{name}' is required.");
            return null;
        }
        if (element.ValueKind != JsonValueKind.String)
        {
            Add(errors, Name(path, name), $"'{name}' must be a string, not {Describe(element.ValueKind)}.");
            return null;
        }
        string value;
        try
        {
            value = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // A lone UTF-16 surrogate escape (\ud800) parses as JSON but is no text.
            Add(errors, Name(path, name), $"'{name}' is not valid Unicode text.");
            return null;
        }
        if (value.Length == 0 || value.Length > maxLength)
        {
            Add(errors, Name(path, name), $"'{name}' must be 1 to {maxLength} characters.");
            return null;
        }
        return value;
    }

    private static string? RequiredStructured(JsonElement body, string name, string path, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            Add(errors, Name(path, name), $"'{name}' is required.");
            return null;
        }
        if (element.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
        {
            Add(errors, Name(path, name), $"'{name}' must be a JSON object or array, not {Describe(element.ValueKind)}.");
            return null;
        }
        return element.GetRawText();
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Name(string path, string field) => path.Length == 0 ? field : $"{path}.{field}";

    private static void Add(Dictionary<string, string[]> errors, string field, string message) =>
        errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];
}

using System.Text;
using System.Text.Json;
using WebhookDispatcher.Api.Security;

namespace WebhookDispatcher.Tests.Fuzzing;

/// <summary>
/// Generates bad requests for the Api from a seed: malformed and truncated JSON, wrong types, huge and deeply
/// nested bodies, invalid UTF-8, oversized headers, wrong content types, SQL and script fragments in every
/// string, invalid and private target URLs, bad query strings and route values, absent or wrong API keys,
/// repeated property names, and batches with one item over the single event's limit.
/// </summary>
public sealed class BadRequestGenerator(int seed)
{
    private static readonly string[] Hostile =
    [
        "'; DROP TABLE events; --", "\" OR 1=1 --", "1); DELETE FROM deliveries; --", "<script>alert(1)</script>",
        "${jndi:ldap://x/a}", "{{7*7}}", "../../etc/passwd", "%00", "\u0000", "\\", "\"", "\ud83d\ude00", new string('x', 5000),
        "Robert'); DROP TABLE merchant_endpoints;--", "$(rm -rf /)", "\r\nX-Injected: 1",
    ];

    private static readonly string[] BadTargets =
    [
        "http://127.0.0.1:4000/webhook", "http://localhost/", "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/", "http://192.168.0.10/", "http://0.0.0.0/", "file:///etc/passwd", "gopher://x", "javascript:alert(1)",
        "not a url", "", "http://user:pass@example.com/", "https://", "http://172.16.5.4:8080/x",
    ];

    private static readonly string[] WrongContentTypes =
        ["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "image/png"];

    private readonly Random _random = new(seed);

    public IEnumerable<FuzzCase> Generate(int count)
    {
        var families = new Func<FuzzCase>[]
        {
            Truncated, Mutated, WrongType, Huge, DeeplyNested, InvalidUtf8, OversizedHeader, WrongContentType,
            HostileIdentifier, HostilePayload, BadTarget, BadQuery, BadRoute, MissingKey, WrongKey, BadBatch, NotAnObject,
            DuplicateProperty, OversizedBatchItem,
        };
        for (var i = 0; i < count; i++)
        {
            yield return families[i % families.Length]();
        }
    }

    private FuzzCase Truncated()
    {
        var body = Encoding.UTF8.GetBytes(ValidCanonical());
        return Json("truncated JSON", body[.._random.Next(1, body.Length - 1)]);
    }

    private FuzzCase Mutated()
    {
        var body = Encoding.UTF8.GetBytes(ValidCanonical());
        var noise = "{}[]\",:\\ \u0001tfn0-eE.".ToCharArray();
        for (var n = _random.Next(1, 4); n > 0; n--)
        {
            body[_random.Next(body.Length)] = (byte)noise[_random.Next(noise.Length)];
        }
        return Json("mutated JSON", body, mayBeAccepted: true);
    }

    private FuzzCase WrongType()
    {
        var values = new[] { "42", "-1.5e300", "true", "null", "[]", "{}", "\"text\"", "[1,\"a\",null]" };
        var shape = _random.Next(3);
        var fields = shape switch
        {
            0 => new Dictionary<string, string> { ["merchantId"] = "\"m_1\"", ["type"] = "\"payment.succeeded\"", ["data"] = "{\"a\":1}" },
            1 => new Dictionary<string, string> { ["merchantId"] = "\"m_1\"", ["amount"] = "4999", ["currency"] = "\"INR\"", ["transactionId"] = "\"t1\"" },
            _ => new Dictionary<string, string> { ["target_url"] = "\"https://example.com/hook\"", ["payload"] = "{\"a\":1}" },
        };
        var field = fields.Keys.ElementAt(_random.Next(fields.Count));
        var original = fields[field];
        string replacement;
        do
        {
            replacement = values[_random.Next(values.Length)];
        }
        while (replacement == original || IsAcceptableReplacement(field, replacement));
        fields[field] = replacement;
        // The ad-hoc shape names a public host that can't be resolved here; it's refused either way.
        return Json("wrong type", Encoding.UTF8.GetBytes("{" + string.Join(",", fields.Select(f => $"\"{f.Key}\":{f.Value}")) + "}"));
    }

    // Swaps that still make a valid event (an object where an object is expected, another name where a name is).
    private static bool IsAcceptableReplacement(string field, string value) =>
        (field is "data" or "payload" && value is "[]" or "{}" or "[1,\"a\",null]")
        || (field is "merchantId" or "type" or "transactionId" && value == "\"text\"")
        || (field == "amount" && value == "42");

    private FuzzCase Huge() =>
        Json("huge body", Encoding.UTF8.GetBytes($"{{\"merchantId\":\"m\",\"type\":\"t\",\"data\":{{\"blob\":\"{new string('a', 300 * 1024 + _random.Next(100_000))}\"}}}}"));

    private FuzzCase DeeplyNested()
    {
        var depth = _random.Next(65, 5000);
        return Json("deeply nested", Encoding.UTF8.GetBytes($"{{\"merchantId\":\"m\",\"type\":\"t\",\"data\":{new string('[', depth)}{new string(']', depth)}}}"));
    }

    private FuzzCase InvalidUtf8()
    {
        byte[][] bad = [[0xC3, 0x28], [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80]];
        var prefix = Encoding.UTF8.GetBytes("{\"merchantId\":\"m");
        var suffix = Encoding.UTF8.GetBytes("\",\"type\":\"t\",\"data\":{}}");
        return Json("invalid UTF-8", [.. prefix, .. bad[_random.Next(bad.Length)], .. suffix]);
    }

    // Past RequestLimitsMiddleware's limit and short of Kestrel's (which answers a bare 431, as
    // IngestionLimitsTests checks): in one header or spread over several.
    private FuzzCase OversizedHeader()
    {
        var total = RequestLimitsMiddleware.MaxHeaderBytes + 256 + _random.Next(RequestLimitsMiddleware.MaxHeaderBytes / 2);
        var parts = _random.Next(1, 5);
        return new("oversized header", HttpMethod.Post, "/events", "application/json", Encoding.UTF8.GetBytes(ValidCanonical()),
            [.. Enumerable.Range(0, parts).Select(i => new KeyValuePair<string, string>($"X-Fuzz-{i}", new string('h', total / parts)))],
            Authenticated: true, MayBeAccepted: false);
    }

    private FuzzCase DuplicateProperty()
    {
        // A valid event but for one name given twice, at the top or inside the data, on a single event or a batch item.
        string[] bodies =
        [
            """{"merchantId":"m_1","type":"t","data":{"a":1},"merchantId":"m_2"}""",
            """{"merchantId":"m_1","type":"t","type":"u","data":{"a":1}}""",
            """{"merchantId":"m_1","type":"t","data":{"amount":1,"amount":100000}}""",
            """{"merchantId":"m_1","type":"t","data":{"a":{"b":1,"b":2}}}""",
            """{"merchantId":"m_1","amount":10,"currency":"INR","transactionId":"t1","amount":99999}""",
            """{"target_url":"https://example.com/a","payload":{"a":1},"target_url":"http://169.254.169.254/"}""",
        ];
        var body = bodies[_random.Next(bodies.Length)];
        return _random.Next(2) == 0
            ? Json("duplicate property", Encoding.UTF8.GetBytes(body))
            : new("duplicate property", HttpMethod.Post, "/events/batch", "application/json",
                Encoding.UTF8.GetBytes($"[{ValidCanonical()},{body}]"), [], Authenticated: true, MayBeAccepted: false);
    }

    private FuzzCase OversizedBatchItem()
    {
        var events = Enumerable.Range(0, _random.Next(2, 10)).Select(_ => ValidCanonical()).ToList();
        var blob = new string('b', new ApiOptions().MaxEventBytes + _random.Next(1, 100_000));
        events.Insert(_random.Next(events.Count + 1), $"{{\"merchantId\":\"m_big\",\"type\":\"t\",\"data\":{{\"blob\":\"{blob}\"}}}}");
        return new("oversized batch item", HttpMethod.Post, "/events/batch", "application/json", Encoding.UTF8.GetBytes($"[{string.Join(",", events)}]"), [],
            Authenticated: true, MayBeAccepted: false);
    }

    private FuzzCase WrongContentType() =>
        new("wrong content type", HttpMethod.Post, "/events", _random.Next(6) == 0 ? null : WrongContentTypes[_random.Next(WrongContentTypes.Length)],
            Encoding.UTF8.GetBytes(ValidCanonical()), [], Authenticated: true, MayBeAccepted: false);

    private FuzzCase HostileIdentifier()
    {
        var field = _random.Next(2) == 0 ? "merchantId" : "type";
        var body = new Dictionary<string, object?> { ["merchantId"] = "m_1", ["type"] = "payment.succeeded", ["data"] = new { a = 1 } };
        body[field] = Hostile[_random.Next(Hostile.Length)];
        return Json("hostile identifier", JsonSerializer.SerializeToUtf8Bytes(body));
    }

    private FuzzCase HostilePayload()
    {
        // Valid events whose data is full of hostile strings: stored and delivered verbatim, never interpreted.
        var data = Enumerable.Range(0, _random.Next(1, 5)).ToDictionary(i => Hostile[_random.Next(Hostile.Length)] + i, _ => Hostile[_random.Next(Hostile.Length)]);
        var body = new { merchantId = $"fuzz_{_random.Next(1000)}", type = "fuzz.hostile", data };
        return Json("hostile payload", JsonSerializer.SerializeToUtf8Bytes(body), mayBeAccepted: true);
    }

    private FuzzCase BadTarget() =>
        Json("bad target", JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["target_url"] = BadTargets[_random.Next(BadTargets.Length)], ["payload"] = new { a = 1 } }));

    private FuzzCase BadQuery()
    {
        string[] queries = ["page=0", "page=-3", "page=abc", "limit=0", "limit=101", "limit=1e9", "status=bogus", "status=%27%20OR%201%3D1", "page=99999999999"];
        return new("bad query", HttpMethod.Get, "/events?" + queries[_random.Next(queries.Length)], null, null, [], Authenticated: true, MayBeAccepted: false);
    }

    private FuzzCase BadRoute()
    {
        string[] paths =
        [
            "/events/not-a-guid", "/events/%27%20OR%201=1", "/status/123", "/deliveries/abc", "/deliveries/1e5/retry",
            "/merchants/%3Cscript%3E/endpoints", "/merchants/m/endpoints/not-a-guid", $"/events/{Guid.NewGuid()}", $"/status/{Guid.NewGuid()}",
            "/nope", "/events/batch/extra",
        ];
        var path = paths[_random.Next(paths.Length)];
        var method = path.EndsWith("/retry", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get;
        return new("bad route", method, path, null, null, [], Authenticated: true, MayBeAccepted: false);
    }

    private FuzzCase MissingKey() =>
        new("missing API key", HttpMethod.Post, "/events", "application/json", Encoding.UTF8.GetBytes(ValidCanonical()), [], Authenticated: false, MayBeAccepted: false);

    private FuzzCase WrongKey()
    {
        string[] headers = ["Bearer wrong", "Bearer ", "Basic dXNlcjpwYXNz", "bearer", "Bearer " + new string('k', 300), "Token fuzz-key"];
        return new("wrong API key", HttpMethod.Post, "/events", "application/json", Encoding.UTF8.GetBytes(ValidCanonical()),
            [new("Authorization", headers[_random.Next(headers.Length)])], Authenticated: false, MayBeAccepted: false);
    }

    private FuzzCase BadBatch()
    {
        // Valid events around one bad one: the batch is all or nothing.
        var events = Enumerable.Range(0, _random.Next(2, 20)).Select(_ => (object)new { merchantId = "m_batch", type = "t", data = new { a = 1 } }).ToList();
        events.Insert(_random.Next(events.Count), new { merchantId = "m_batch", type = "t" });
        return new("bad batch", HttpMethod.Post, "/events/batch", "application/json", JsonSerializer.SerializeToUtf8Bytes(new { events }), [],
            Authenticated: true, MayBeAccepted: false);
    }

    private FuzzCase NotAnObject()
    {
        string[] bodies = ["null", "42", "\"text\"", "[]", "true", "", " ", "{", "}", "{\"merchantId\":}", "{'merchantId':'m'}", "{\"a\":1,}"];
        return Json("not an event", Encoding.UTF8.GetBytes(bodies[_random.Next(bodies.Length)]));
    }

    private string ValidCanonical() =>
        JsonSerializer.Serialize(new { merchantId = $"m_{_random.Next(100)}", type = "payment.succeeded", data = new { amount = _random.Next(1, 100_000), currency = "INR" } });

    private static FuzzCase Json(string kind, byte[] body, bool mayBeAccepted = false) =>
        new(kind, HttpMethod.Post, "/events", "application/json", body, [], Authenticated: true, mayBeAccepted);
}

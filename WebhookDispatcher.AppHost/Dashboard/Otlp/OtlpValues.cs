using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Collections;
using WebhookDispatcher.AppHost.Dashboard.Otlp.Proto;
using WebhookDispatcher.AppHost.Dashboard.Telemetry;

namespace WebhookDispatcher.AppHost.Dashboard.Otlp;

/// <summary>Conversions from OTLP's wire shapes to the dashboard's: attribute values to text, nanoseconds to time, ids to hex.</summary>
public static class OtlpValues
{
    /// <summary>An attribute value longer than this is cut: a huge SQL text or payload must not bloat memory.</summary>
    public const int MaxValueLength = 8 * 1024;

    /// <summary>At most this many attributes per item are kept.</summary>
    public const int MaxAttributes = 128;

    public static IReadOnlyList<TelemetryAttribute> Attributes(RepeatedField<KeyValue> attributes)
    {
        if (attributes.Count == 0)
        {
            return [];
        }
        var list = new List<TelemetryAttribute>(Math.Min(attributes.Count, MaxAttributes));
        foreach (var attribute in attributes.Take(MaxAttributes))
        {
            list.Add(new TelemetryAttribute(Truncate(attribute.Key), Text(attribute.Value)));
        }
        return list;
    }

    public static TelemetrySource Source(Resource? resource) => TelemetrySource.From(resource is null ? [] : Attributes(resource.Attributes));

    public static string Text(AnyValue? value) => Truncate(Render(value, 0));

    /// <summary>OTLP times are nanoseconds since the Unix epoch; 0 means unknown.</summary>
    public static DateTimeOffset Time(ulong unixNanos) =>
        unixNanos == 0 || unixNanos / 100 > (ulong)(DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks)
            ? DateTimeOffset.UnixEpoch
            : DateTimeOffset.UnixEpoch.AddTicks((long)(unixNanos / 100));

    /// <summary>Trace and span ids as the lowercase hex of traceparent; null for an absent (empty or all-zero) id.</summary>
    public static string? Id(ByteString bytes)
    {
        if (bytes.IsEmpty || bytes.Span.IndexOfAnyExcept((byte)0) < 0)
        {
            return null;
        }
        return Convert.ToHexStringLower(bytes.Span);
    }

    private static string Render(AnyValue? value, int depth)
    {
        if (value is null || depth > 8)
        {
            return "";
        }
        return value.ValueCase switch
        {
            AnyValue.ValueOneofCase.StringValue => value.StringValue,
            AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
            AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
            AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(CultureInfo.InvariantCulture),
            AnyValue.ValueOneofCase.BytesValue => Convert.ToBase64String(value.BytesValue.Span),
            AnyValue.ValueOneofCase.ArrayValue => "[" + string.Join(", ", value.ArrayValue.Values.Select(v => Render(v, depth + 1))) + "]",
            AnyValue.ValueOneofCase.KvlistValue => "{" + string.Join(", ", value.KvlistValue.Values.Select(kv => $"{kv.Key}: {Render(kv.Value, depth + 1)}")) + "}",
            _ => "",
        };
    }

    private static string Truncate(string text) => text.Length <= MaxValueLength ? text : string.Concat(text.AsSpan(0, MaxValueLength), "…");
}

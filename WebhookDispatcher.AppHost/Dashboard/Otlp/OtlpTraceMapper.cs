using WebhookDispatcher.AppHost.Dashboard.Otlp.Proto;
using WebhookDispatcher.AppHost.Dashboard.Telemetry;

namespace WebhookDispatcher.AppHost.Dashboard.Otlp;

/// <summary>ExportTraceServiceRequest → spans. A span without a valid trace or span id is rejected, not stored.</summary>
public static class OtlpTraceMapper
{
    public static (List<SpanEntry> Spans, int Rejected) Map(ExportTraceServiceRequest request)
    {
        var spans = new List<SpanEntry>();
        var rejected = 0;
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var source = OtlpValues.Source(resourceSpans.Resource);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                var scope = scopeSpans.Scope?.Name ?? "";
                foreach (var span in scopeSpans.Spans)
                {
                    var traceId = OtlpValues.Id(span.TraceId);
                    var spanId = OtlpValues.Id(span.SpanId);
                    if (traceId is null || spanId is null)
                    {
                        rejected++;
                        continue;
                    }
                    spans.Add(new SpanEntry(
                        traceId,
                        spanId,
                        OtlpValues.Id(span.ParentSpanId),
                        span.Name,
                        (SpanKindName)Math.Clamp((int)span.Kind, 0, (int)SpanKindName.Consumer),
                        OtlpValues.Time(span.StartTimeUnixNano),
                        OtlpValues.Time(span.EndTimeUnixNano),
                        source,
                        scope,
                        span.Status?.Code switch
                        {
                            Status.Types.StatusCode.Ok => SpanStatus.Ok,
                            Status.Types.StatusCode.Error => SpanStatus.Error,
                            _ => SpanStatus.Unset,
                        },
                        string.IsNullOrEmpty(span.Status?.Message) ? null : span.Status.Message,
                        OtlpValues.Attributes(span.Attributes),
                        [.. span.Events.Select(e => new SpanEvent(OtlpValues.Time(e.TimeUnixNano), e.Name, OtlpValues.Attributes(e.Attributes)))]));
                }
            }
        }
        return (spans, rejected);
    }
}

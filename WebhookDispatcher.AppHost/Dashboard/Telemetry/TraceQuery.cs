namespace WebhookDispatcher.AppHost.Dashboard.Telemetry;

/// <summary>The Traces page's filter: a trace matches if any of its spans comes from the resource and any mentions the text.</summary>
public sealed record TraceQuery(string? Resource = null, string? Text = null)
{
    public bool Matches(IReadOnlyList<SpanEntry> spans) =>
        (string.IsNullOrEmpty(Resource) || spans.Any(s => s.Source.ServiceName == Resource))
        && (string.IsNullOrWhiteSpace(Text) || spans.Any(s => Mentions(s, Text.Trim())));

    private static bool Mentions(SpanEntry span, string text) =>
        span.Name.Contains(text, StringComparison.OrdinalIgnoreCase)
        || span.TraceId.Equals(text, StringComparison.OrdinalIgnoreCase)
        || span.Attributes.Any(a => a.Value.Contains(text, StringComparison.OrdinalIgnoreCase));
}

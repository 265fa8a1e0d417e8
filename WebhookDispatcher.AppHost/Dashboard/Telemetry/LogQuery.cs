namespace WebhookDispatcher.AppHost.Dashboard.Telemetry;

/// <summary>The Structured logs page's filter. Null or empty parts match everything.</summary>
public sealed record LogQuery(string? Resource = null, LogSeverity MinimumSeverity = LogSeverity.Unspecified, string? Text = null, string? TraceId = null)
{
    public bool Matches(LogEntry entry) =>
        (string.IsNullOrEmpty(Resource) || entry.Source.ServiceName == Resource)
        && entry.Severity >= MinimumSeverity
        && (string.IsNullOrEmpty(TraceId) || entry.TraceId == TraceId)
        && (string.IsNullOrWhiteSpace(Text) || ContainsText(entry, Text.Trim()));

    private static bool ContainsText(LogEntry entry, string text) =>
        entry.Message.Contains(text, StringComparison.OrdinalIgnoreCase)
        || entry.Category.Contains(text, StringComparison.OrdinalIgnoreCase)
        || entry.Attributes.Any(a => a.Value.Contains(text, StringComparison.OrdinalIgnoreCase));
}

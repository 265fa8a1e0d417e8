using WebhookDispatcher.AppHost.Dashboard.Otlp.Proto;
using WebhookDispatcher.AppHost.Dashboard.Telemetry;

namespace WebhookDispatcher.AppHost.Dashboard.Otlp;

/// <summary>ExportLogsServiceRequest → log entries.</summary>
public static class OtlpLogMapper
{
    public static List<LogEntry> Map(ExportLogsServiceRequest request)
    {
        var entries = new List<LogEntry>();
        foreach (var resourceLogs in request.ResourceLogs)
        {
            var source = OtlpValues.Source(resourceLogs.Resource);
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                var category = scopeLogs.Scope?.Name ?? "";
                foreach (var record in scopeLogs.LogRecords)
                {
                    // Some SDKs set only the observed time; 0 for both means "now" is the best we know.
                    var time = record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano;
                    entries.Add(new LogEntry(
                        0,
                        time == 0 ? DateTimeOffset.UtcNow : OtlpValues.Time(time),
                        source,
                        record.SeverityNumber != 0 ? LogSeverities.FromSeverityNumber(record.SeverityNumber) : FromText(record.SeverityText),
                        OtlpValues.Text(record.Body),
                        string.IsNullOrEmpty(category) ? record.EventName : category,
                        OtlpValues.Id(record.TraceId),
                        OtlpValues.Id(record.SpanId),
                        OtlpValues.Attributes(record.Attributes)));
                }
            }
        }
        return entries;
    }

    private static LogSeverity FromText(string text) =>
        Enum.TryParse<LogSeverity>(text, ignoreCase: true, out var severity) ? severity : LogSeverity.Unspecified;
}

namespace WebhookDispatcher.AppHost.Dashboard.Telemetry;

/// <summary>One structured log record as the Structured logs page shows it.</summary>
/// <param name="Sequence">Assigned by the store on arrival: a stable id for links and row test ids.</param>
/// <param name="Category">The logger's category (OTLP's instrumentation scope name).</param>
public sealed record LogEntry(
    long Sequence,
    DateTimeOffset Timestamp,
    TelemetrySource Source,
    LogSeverity Severity,
    string Message,
    string Category,
    string? TraceId,
    string? SpanId,
    IReadOnlyList<TelemetryAttribute> Attributes);

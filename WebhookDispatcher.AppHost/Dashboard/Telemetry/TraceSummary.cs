namespace WebhookDispatcher.AppHost.Dashboard.Telemetry;

/// <summary>A row of the Traces page.</summary>
/// <param name="Name">The root span's resource and name ("api: POST /events"), as Aspire titles a trace.</param>
public sealed record TraceSummary(
    string TraceId,
    string Name,
    DateTimeOffset Start,
    TimeSpan Duration,
    IReadOnlyList<string> Resources,
    int SpanCount,
    int ErrorCount);

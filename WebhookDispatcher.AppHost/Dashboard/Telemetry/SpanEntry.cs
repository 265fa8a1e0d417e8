namespace WebhookDispatcher.AppHost.Dashboard.Telemetry;

public enum SpanKindName
{
    Unspecified,
    Internal,
    Server,
    Client,
    Producer,
    Consumer,
}

public enum SpanStatus
{
    Unset,
    Ok,
    Error,
}

public sealed record SpanEvent(DateTimeOffset Timestamp, string Name, IReadOnlyList<TelemetryAttribute> Attributes);

/// <summary>One span of a trace. Ids are lowercase hex, as traceparent writes them.</summary>
/// <param name="Scope">The instrumentation scope (ActivitySource name), e.g. Microsoft.AspNetCore or Npgsql.</param>
public sealed record SpanEntry(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    SpanKindName Kind,
    DateTimeOffset Start,
    DateTimeOffset End,
    TelemetrySource Source,
    string Scope,
    SpanStatus Status,
    string? StatusMessage,
    IReadOnlyList<TelemetryAttribute> Attributes,
    IReadOnlyList<SpanEvent> Events)
{
    public TimeSpan Duration => End > Start ? End - Start : TimeSpan.Zero;

    public string? Attribute(string key) => TelemetryAttribute.Find(Attributes, key);
}

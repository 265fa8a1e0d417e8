namespace WebhookDispatcher.AppHost.Dashboard.Telemetry;

/// <summary>One instrument of one resource, as received, with its series (one per attribute set).</summary>
/// <param name="Meter">The meter (instrumentation scope) that created it, e.g. WebhookDispatcher.</param>
public sealed record MetricInstrument(
    string Resource,
    string Meter,
    string Name,
    string Description,
    string Unit,
    MetricKind Kind,
    MetricTemporality Temporality,
    IReadOnlyList<MetricSeries> Series);

/// <summary>A time series: the points of one attribute set, oldest first.</summary>
/// <param name="Label">The attributes as "key=value, …" (empty for a series without attributes).</param>
public sealed record MetricSeries(string Label, IReadOnlyList<TelemetryAttribute> Attributes, IReadOnlyList<MetricPoint> Points);

/// <summary>What the Metrics page lists to pick from.</summary>
public sealed record MetricInstrumentInfo(string Meter, string Name, string Description, string Unit, MetricKind Kind);

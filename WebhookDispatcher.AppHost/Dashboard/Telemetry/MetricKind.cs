namespace WebhookDispatcher.AppHost.Dashboard.Telemetry;

/// <summary>The OTLP metric shapes the dashboard charts.</summary>
public enum MetricKind
{
    Gauge,
    Sum,
    Histogram,
}

/// <summary>Whether each point covers everything since the series started, or only the last export interval.</summary>
public enum MetricTemporality
{
    Unspecified,
    Delta,
    Cumulative,
}

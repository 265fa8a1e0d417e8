namespace WebhookDispatcher.AppHost.Dashboard.Telemetry;

/// <summary>
/// Everything the OTLP receiver has taken in, for the pages to read. Pages subscribe to <see cref="Changed"/>
/// (raised after each accepted export) and re-render at their own pace.
/// </summary>
public sealed class TelemetryStore(LogStore logs, TraceStore traces, MetricStore metrics)
{
    public TelemetryStore()
        : this(new LogStore(), new TraceStore(), new MetricStore())
    {
    }

    public LogStore Logs { get; } = logs;

    public TraceStore Traces { get; } = traces;

    public MetricStore Metrics { get; } = metrics;

    public event Action? Changed;

    public void NotifyChanged()
    {
        // A page that throws in its handler must not fail the export that triggered it.
        foreach (var handler in Changed?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action)handler)();
            }
            catch (Exception)
            {
            }
        }
    }

    /// <summary>Every service name any signal has come from.</summary>
    public IReadOnlyList<string> Resources() =>
        [.. Logs.Resources().Concat(Traces.Resources()).Concat(Metrics.Resources()).Distinct().Order(StringComparer.Ordinal)];
}

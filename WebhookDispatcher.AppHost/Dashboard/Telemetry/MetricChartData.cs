namespace WebhookDispatcher.AppHost.Dashboard.Telemetry;

/// <summary>A line of a chart: one series' values over time.</summary>
public sealed record ChartLine(string Label, IReadOnlyList<(DateTimeOffset Time, double Value)> Points);

/// <summary>
/// What the Metrics page draws for an instrument. Counters and gauges plot their values; histograms plot a
/// percentile of what was measured in each export interval (the difference between consecutive cumulative points),
/// so the line shows how latency moves now rather than the average since the process started.
/// </summary>
public static class MetricChartData
{
    public static IReadOnlyList<ChartLine> Lines(MetricInstrument instrument, double percentile = 0.9)
    {
        var lines = new List<ChartLine>(instrument.Series.Count);
        foreach (var series in instrument.Series)
        {
            var points = instrument.Kind == MetricKind.Histogram
                ? HistogramLine(series.Points, instrument.Temporality, percentile)
                : [.. series.Points.Select(p => (p.Time, p.Value))];
            lines.Add(new ChartLine(series.Label.Length == 0 ? instrument.Name : series.Label, points));
        }
        return lines;
    }

    /// <summary>The latest cumulative histogram of a series (or the latest interval's, for delta temporality).</summary>
    public static HistogramValue? Latest(MetricSeries series) => series.Points.Count == 0 ? null : series.Points[^1].Histogram;

    private static List<(DateTimeOffset, double)> HistogramLine(IReadOnlyList<MetricPoint> points, MetricTemporality temporality, double percentile)
    {
        var line = new List<(DateTimeOffset, double)>();
        for (var i = 0; i < points.Count; i++)
        {
            if (points[i].Histogram is not { } current)
            {
                continue;
            }
            var interval = current;
            if (temporality != MetricTemporality.Delta && i > 0 && points[i - 1] is { Histogram: { } previous } before && before.Start == points[i].Start)
            {
                interval = HistogramMath.Delta(previous, current) ?? current;
            }
            if (HistogramMath.Percentile(interval, percentile) is { } value)
            {
                line.Add((points[i].Time, value));
            }
        }
        return line;
    }
}

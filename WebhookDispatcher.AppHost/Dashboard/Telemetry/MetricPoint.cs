namespace WebhookDispatcher.AppHost.Dashboard.Telemetry;

/// <summary>One data point of a series. For a histogram, <see cref="Value"/> is its count and <see cref="Histogram"/> holds the buckets.</summary>
public sealed record MetricPoint(DateTimeOffset Start, DateTimeOffset Time, double Value, HistogramValue? Histogram = null);

/// <summary>An explicit-bucket histogram: BucketCounts has one more entry than Bounds (the last is everything above the last bound).</summary>
public sealed record HistogramValue(ulong Count, double? Sum, double? Min, double? Max, IReadOnlyList<ulong> BucketCounts, IReadOnlyList<double> Bounds);

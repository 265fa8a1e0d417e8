using WebhookDispatcher.AppHost.Dashboard.Otlp.Proto;
using WebhookDispatcher.AppHost.Dashboard.Telemetry;

namespace WebhookDispatcher.AppHost.Dashboard.Otlp;

/// <summary>ExportMetricsServiceRequest → data points. Metric shapes the dashboard doesn't chart are counted as rejected.</summary>
public static class OtlpMetricMapper
{
    public static (List<MetricStore.Incoming> Points, int Rejected) Map(ExportMetricsServiceRequest request)
    {
        var points = new List<MetricStore.Incoming>();
        var rejected = 0;
        foreach (var resourceMetrics in request.ResourceMetrics)
        {
            var resource = OtlpValues.Source(resourceMetrics.Resource).ServiceName;
            foreach (var scopeMetrics in resourceMetrics.ScopeMetrics)
            {
                var meter = scopeMetrics.Scope?.Name ?? "";
                foreach (var metric in scopeMetrics.Metrics)
                {
                    MetricStore.Incoming Point(MetricKind kind, MetricTemporality temporality, Google.Protobuf.Collections.RepeatedField<KeyValue> attributes, MetricPoint point) =>
                        new(resource, meter, metric.Name, metric.Description, metric.Unit, kind, temporality, OtlpValues.Attributes(attributes), point);

                    switch (metric.DataCase)
                    {
                        case Metric.DataOneofCase.Gauge:
                            points.AddRange(metric.Gauge.DataPoints.Select(p => Point(MetricKind.Gauge, MetricTemporality.Unspecified, p.Attributes, Number(p))));
                            break;
                        case Metric.DataOneofCase.Sum:
                            var sumTemporality = Temporality(metric.Sum.AggregationTemporality);
                            points.AddRange(metric.Sum.DataPoints.Select(p => Point(MetricKind.Sum, sumTemporality, p.Attributes, Number(p))));
                            break;
                        case Metric.DataOneofCase.Histogram:
                            var histogramTemporality = Temporality(metric.Histogram.AggregationTemporality);
                            points.AddRange(metric.Histogram.DataPoints.Select(p => Point(MetricKind.Histogram, histogramTemporality, p.Attributes, Histogram(p))));
                            break;
                        default:
                            rejected++;
                            break;
                    }
                }
            }
        }
        return (points, rejected);
    }

    private static MetricPoint Number(NumberDataPoint point) => new(
        OtlpValues.Time(point.StartTimeUnixNano),
        OtlpValues.Time(point.TimeUnixNano),
        point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble);

    private static MetricPoint Histogram(HistogramDataPoint point) => new(
        OtlpValues.Time(point.StartTimeUnixNano),
        OtlpValues.Time(point.TimeUnixNano),
        point.Count,
        new HistogramValue(
            point.Count,
            point.HasSum ? point.Sum : null,
            point.HasMin ? point.Min : null,
            point.HasMax ? point.Max : null,
            [.. point.BucketCounts],
            [.. point.ExplicitBounds]));

    private static MetricTemporality Temporality(AggregationTemporality temporality) => temporality switch
    {
        AggregationTemporality.Delta => MetricTemporality.Delta,
        AggregationTemporality.Cumulative => MetricTemporality.Cumulative,
        _ => MetricTemporality.Unspecified,
    };
}

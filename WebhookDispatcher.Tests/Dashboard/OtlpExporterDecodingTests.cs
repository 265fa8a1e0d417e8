using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using WebhookDispatcher.AppHost.Dashboard.Telemetry;

namespace WebhookDispatcher.Tests.Dashboard;

/// <summary>
/// The receiver decodes what the real OpenTelemetry .NET OTLP exporter sends (HttpProtobuf, the protocol the AppHost
/// gives the services), not just payloads we built ourselves.
/// </summary>
public sealed class OtlpExporterDecodingTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private TelemetryStore Store => fixture.Dashboard.Telemetry;

    [Fact]
    public void Spans_keep_names_ids_attributes_status_and_resource()
    {
        var source = new ActivitySource($"test.traces.{Guid.NewGuid():N}");
        using (var provider = TracerProvider(source.Name, "api"))
        {
            using (var parent = source.StartActivity("POST /events", ActivityKind.Server))
            {
                parent!.SetTag("http.request.method", "POST");
                parent.SetTag("webhook.id", "evt-123");
                parent.SetTag("attempt", 3);
                using var insert = source.StartActivity("INSERT webhooks", ActivityKind.Client);
                insert!.SetStatus(ActivityStatusCode.Error, "duplicate key");
            }
            Assert.True(provider.ForceFlush(10_000));
        }

        var trace = Store.Traces.Query(new TraceQuery(Text: "evt-123")).Single();
        Assert.Equal("api: POST /events", trace.Name);
        Assert.Equal(2, trace.SpanCount);
        Assert.Equal(1, trace.ErrorCount);
        Assert.Equal(["api"], trace.Resources);

        var detail = Store.Traces.Get(trace.TraceId)!;
        var root = detail.Spans[0];
        Assert.Equal("POST /events", root.Span.Name);
        Assert.Equal(SpanKindName.Server, root.Span.Kind);
        Assert.Null(root.Span.ParentSpanId);
        Assert.Equal("evt-123", root.Span.Attribute("webhook.id"));
        Assert.Equal("3", root.Span.Attribute("attempt"));
        Assert.Equal(32, root.Span.TraceId.Length);
        Assert.NotNull(root.Span.Source.InstanceId);

        var child = detail.Spans[1];
        Assert.Equal(1, child.Depth);
        Assert.Equal(root.Span.SpanId, child.Span.ParentSpanId);
        Assert.Equal(SpanStatus.Error, child.Span.Status);
        Assert.Equal("duplicate key", child.Span.StatusMessage);
        Assert.True(child.Span.Start >= root.Span.Start && child.Span.End <= root.Span.End);
    }

    [Fact]
    public void A_trace_continued_by_another_service_is_one_waterfall()
    {
        var source = new ActivitySource($"test.join.{Guid.NewGuid():N}");
        string traceparent;
        using (var api = TracerProvider(source.Name, "api"))
        {
            using (var ingest = source.StartActivity("POST /events", ActivityKind.Server))
            {
                traceparent = ingest!.Id!;
            }
            api.ForceFlush(10_000);
        }
        using (var worker = TracerProvider(source.Name, "worker"))
        {
            // As the Worker does: the stored traceparent becomes the parent of the delivery attempt.
            ActivityContext.TryParse(traceparent, null, out var parent);
            using (source.StartActivity("webhook deliver", ActivityKind.Internal, parent))
            {
            }
            worker.ForceFlush(10_000);
        }

        var traceId = ActivityContext.Parse(traceparent, null).TraceId.ToHexString();
        var detail = Store.Traces.Get(traceId)!;
        Assert.Equal(["api", "worker"], detail.Summary.Resources);
        Assert.Equal(["POST /events", "webhook deliver"], detail.Spans.Select(s => s.Span.Name));
        Assert.Equal([0, 1], detail.Spans.Select(s => s.Depth));
    }

    [Fact]
    public void Log_records_keep_level_message_category_attributes_trace_and_resource()
    {
        var source = new ActivitySource($"test.logs.{Guid.NewGuid():N}");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = (ref _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var marker = Guid.NewGuid().ToString("N");
        string traceId;
        using (var factory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(options =>
        {
            options.SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("worker"));
            options.IncludeFormattedMessage = true;
            options.AddOtlpExporter(exporter => Configure(exporter, "/v1/logs"));
        })))
        {
            var logger = factory.CreateLogger("WebhookDispatcher.Worker.DeliveryWorker");
            using var activity = source.StartActivity("webhook deliver");
            traceId = activity!.TraceId.ToHexString();
            logger.LogWarning("Delivery {DeliveryId} failed with {StatusCode} ({Marker})", 42, 503, marker);
        }

        var entry = Store.Logs.Query(new LogQuery(Text: marker)).Single();
        Assert.Equal("worker", entry.Source.ServiceName);
        Assert.Equal(LogSeverity.Warning, entry.Severity);
        Assert.Equal($"Delivery 42 failed with 503 ({marker})", entry.Message);
        Assert.Equal("WebhookDispatcher.Worker.DeliveryWorker", entry.Category);
        Assert.Equal("42", TelemetryAttribute.Find(entry.Attributes, "DeliveryId"));
        Assert.Equal("503", TelemetryAttribute.Find(entry.Attributes, "StatusCode"));
        Assert.Equal(traceId, entry.TraceId);
        Assert.Single(Store.Logs.Query(new LogQuery(Resource: "worker", MinimumSeverity: LogSeverity.Warning, Text: marker)));
        Assert.Empty(Store.Logs.Query(new LogQuery(MinimumSeverity: LogSeverity.Error, Text: marker)));
    }

    [Fact]
    public void Counters_histograms_and_gauges_keep_their_series_and_values()
    {
        var resource = $"metrics-{Guid.NewGuid():N}"[..16];
        using var meter = new Meter("WebhookDispatcher");
        var attempts = meter.CreateCounter<long>("webhooks.delivery.attempts", "{attempt}", "Delivery attempts by outcome.");
        var duration = meter.CreateHistogram<double>("webhooks.delivery.attempt.duration", "ms");
        var depth = 7L;
        meter.CreateObservableGauge("webhooks.queue.depth", () => new Measurement<long>(depth, new KeyValuePair<string, object?>("status", "pending")), "{delivery}");

        using (var provider = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(resource))
            .AddMeter("WebhookDispatcher")
            .AddOtlpExporter((exporter, reader) =>
            {
                Configure(exporter, "/v1/metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000;
            })
            .Build())
        {
            attempts.Add(3, new KeyValuePair<string, object?>("outcome", "success"));
            attempts.Add(1, new KeyValuePair<string, object?>("outcome", "failure"));
            foreach (var ms in new[] { 12.0, 30, 80, 250 })
            {
                duration.Record(ms, new KeyValuePair<string, object?>("outcome", "success"));
            }
            Assert.True(provider.ForceFlush(10_000));
        }

        var instruments = Store.Metrics.Instruments(resource);
        Assert.Contains(instruments, i => i.Name == "webhooks.delivery.attempts" && i.Kind == MetricKind.Sum && i.Meter == "WebhookDispatcher");

        var counter = Store.Metrics.Get(resource, "webhooks.delivery.attempts")!;
        Assert.Equal("{attempt}", counter.Unit);
        Assert.Equal("Delivery attempts by outcome.", counter.Description);
        Assert.Equal(MetricTemporality.Cumulative, counter.Temporality);
        Assert.Equal(3, counter.Series.Single(s => s.Label == "outcome=success").Points[^1].Value);
        Assert.Equal(1, counter.Series.Single(s => s.Label == "outcome=failure").Points[^1].Value);

        var histogram = Store.Metrics.Get(resource, "webhooks.delivery.attempt.duration")!;
        Assert.Equal(MetricKind.Histogram, histogram.Kind);
        var buckets = histogram.Series.Single().Points[^1].Histogram!;
        Assert.Equal(4UL, buckets.Count);
        Assert.Equal(372, buckets.Sum);
        Assert.Equal(12, buckets.Min);
        Assert.Equal(250, buckets.Max);
        Assert.Equal(buckets.Bounds.Count + 1, buckets.BucketCounts.Count);

        var gauge = Store.Metrics.Get(resource, "webhooks.queue.depth")!;
        Assert.Equal(MetricKind.Gauge, gauge.Kind);
        Assert.Equal(7, gauge.Series.Single(s => s.Label == "status=pending").Points[^1].Value);
    }

    private TracerProvider TracerProvider(string sourceName, string serviceName) => Sdk.CreateTracerProviderBuilder()
        .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(serviceName))
        .AddSource(sourceName)
        .AddOtlpExporter(exporter => Configure(exporter, "/v1/traces"))
        .Build();

    private void Configure(OtlpExporterOptions exporter, string path)
    {
        // Set in code, an HttpProtobuf endpoint is used as given, so it carries the signal's path.
        exporter.Endpoint = new Uri(fixture.Dashboard.OtlpHttpUrl, path);
        exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
        exporter.Headers = $"x-otlp-api-key={DashboardFixture.ApiKey}";
    }
}

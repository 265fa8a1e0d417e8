using WebhookDispatcher.AppHost.Dashboard.Telemetry;

namespace WebhookDispatcher.Tests.Dashboard;

/// <summary>The in-memory stores keep their bounds, drop the oldest first, and answer the pages' queries.</summary>
public sealed class TelemetryStoreTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Ring_buffer_drops_the_oldest_when_full()
    {
        var ring = new RingBuffer<int>(3);
        for (var i = 1; i <= 5; i++)
        {
            ring.Add(i);
        }
        Assert.Equal(3, ring.Count);
        Assert.Equal([3, 4, 5], ring.ToList());
        Assert.Equal(5, ring.Last);
        Assert.True(ring.Add(6, out var dropped));
        Assert.Equal(3, dropped);
    }

    [Fact]
    public void Log_store_keeps_the_newest_records_and_numbers_them()
    {
        var store = new LogStore(capacity: 3);
        store.Add(Enumerable.Range(1, 5).Select(i => Log($"message {i}", i % 2 == 0 ? LogSeverity.Error : LogSeverity.Information)));

        Assert.Equal(3, store.Count);
        var newestFirst = store.Query(new LogQuery());
        Assert.Equal(["message 5", "message 4", "message 3"], newestFirst.Select(e => e.Message));
        Assert.Equal([5L, 4, 3], newestFirst.Select(e => e.Sequence));
        Assert.Equal("message 4", store.Get(4)!.Message);
        Assert.Null(store.Get(1));
    }

    [Fact]
    public void Log_query_filters_by_resource_level_text_and_trace()
    {
        var store = new LogStore();
        store.Add([
            Log("Accepted event 1", LogSeverity.Information, "api"),
            Log("Attempt failed: HTTP 503", LogSeverity.Warning, "worker", traceId: "abc"),
            Log("Database down", LogSeverity.Critical, "worker"),
        ]);

        Assert.Equal(2, store.Query(new LogQuery(Resource: "worker")).Count);
        Assert.Equal(["Database down", "Attempt failed: HTTP 503"], store.Query(new LogQuery(MinimumSeverity: LogSeverity.Warning)).Select(e => e.Message));
        Assert.Single(store.Query(new LogQuery(Text: "http 503")));
        Assert.Single(store.Query(new LogQuery(Text: "route-value-16")));
        Assert.Single(store.Query(new LogQuery(TraceId: "abc")));
        Assert.Equal(["api", "worker"], store.Resources());
    }

    [Fact]
    public void Trace_store_groups_spans_by_trace_dedupes_and_drops_the_oldest_trace()
    {
        var store = new TraceStore(maxTraces: 2);
        store.Add([Span("t1", "a", null, "api", 0, 10)]);
        store.Add([Span("t1", "a", null, "api", 0, 10), Span("t1", "b", "a", "worker", 2, 5)]);
        Assert.Equal(2, store.Get("t1")!.Spans.Count);

        store.Add([Span("t2", "c", null, "api", 100, 1)]);
        store.Add([Span("t3", "d", null, "api", 200, 1)]);
        Assert.Equal(2, store.Count);
        Assert.Null(store.Get("t1"));
        Assert.Equal(["t3", "t2"], store.Query(new TraceQuery()).Select(t => t.TraceId));
    }

    [Fact]
    public void Trace_store_caps_spans_per_trace()
    {
        var store = new TraceStore(maxTraces: 10, maxSpansPerTrace: 3);
        store.Add(Enumerable.Range(0, 10).Select(i => Span("t", $"s{i}", null, "api", i, 1)));
        Assert.Equal(3, store.Get("t")!.Spans.Count);
    }

    [Fact]
    public void Waterfall_orders_parents_before_children_and_places_bars()
    {
        var spans = new[]
        {
            Span("t", "deliver2", "post", "worker", 600, 100),
            Span("t", "insert", "post", "api", 10, 20),
            Span("t", "post", null, "api", 0, 50),
            Span("t", "deliver1", "post", "worker", 100, 400),
            Span("t", "http1", "deliver1", "worker", 110, 300),
            Span("t", "orphan", "never-arrived", "worker", 650, 10),
        };
        var detail = TraceAssembler.Assemble("t", spans);

        Assert.Equal(["post", "insert", "deliver1", "http1", "deliver2", "orphan"], detail.Spans.Select(s => s.Span.SpanId));
        Assert.Equal([0, 1, 1, 2, 1, 0], detail.Spans.Select(s => s.Depth));
        Assert.Equal(TimeSpan.FromMilliseconds(700), detail.Summary.Duration);
        Assert.Equal("api: post-name", detail.Summary.Name);
        Assert.Equal(["api", "worker"], detail.Summary.Resources);
        var deliver1 = detail.Spans.Single(s => s.Span.SpanId == "deliver1");
        Assert.Equal(100.0 / 700, deliver1.Offset, 6);
        Assert.Equal(400.0 / 700, deliver1.Width, 6);
    }

    [Fact]
    public void Trace_query_matches_resource_and_text_in_names_or_attributes()
    {
        var store = new TraceStore();
        store.Add([Span("t1", "a", null, "api", 0, 1, ("webhook.id", "evt-9"))]);
        store.Add([Span("t2", "b", null, "worker", 0, 1)]);
        Assert.Equal(["t1"], store.Query(new TraceQuery(Text: "EVT-9")).Select(t => t.TraceId));
        Assert.Equal(["t2"], store.Query(new TraceQuery(Resource: "worker")).Select(t => t.TraceId));
        Assert.Equal(["t2"], store.Query(new TraceQuery(Text: "b-name")).Select(t => t.TraceId));
    }

    [Fact]
    public void Metric_store_bounds_points_series_and_instruments()
    {
        var store = new MetricStore(maxPointsPerSeries: 3, maxSeriesPerInstrument: 2, maxInstruments: 2);
        store.Add(Enumerable.Range(0, 5).Select(i => Point("worker", "webhooks.delivery.attempts", i, ("outcome", "success"))));
        store.Add([Point("worker", "webhooks.delivery.attempts", 1, ("outcome", "failure"))]);
        store.Add([Point("worker", "webhooks.delivery.attempts", 1, ("outcome", "timeout"))]);
        store.Add([Point("worker", "process.cpu", 1)]);
        store.Add([Point("worker", "one.too.many", 1)]);

        var attempts = store.Get("worker", "webhooks.delivery.attempts")!;
        Assert.Equal(["outcome=failure", "outcome=success"], attempts.Series.Select(s => s.Label));
        Assert.Equal([2.0, 3, 4], attempts.Series.Single(s => s.Label == "outcome=success").Points.Select(p => p.Value));
        Assert.Null(store.Get("worker", "one.too.many"));
        Assert.Equal(["webhooks.delivery.attempts", "process.cpu"], store.Instruments("worker").Select(i => i.Name));
    }

    [Fact]
    public void Series_label_is_the_same_whatever_the_attribute_order()
    {
        Assert.Equal("a=1, b=2", MetricStore.Label([new("b", "2"), new("a", "1")]));
        Assert.Equal("", MetricStore.Label([]));
    }

    [Fact]
    public void Histogram_percentiles_interpolate_inside_buckets()
    {
        // Bounds 10, 100, 1000: 10 values in (0,10], 80 in (10,100], 10 in (100,1000].
        var histogram = new HistogramValue(100, 5000, 1, 900, [10, 80, 10, 0], [10, 100, 1000]);
        Assert.Equal(55, HistogramMath.Percentile(histogram, 0.5)!.Value, 6);
        Assert.Equal(100, HistogramMath.Percentile(histogram, 0.9)!.Value, 6);
        Assert.Equal(820, HistogramMath.Percentile(histogram, 0.99)!.Value, 6);
        Assert.Null(HistogramMath.Percentile(new HistogramValue(0, 0, null, null, [0, 0], [10]), 0.5));

        var overflow = new HistogramValue(2, 30000, 10000, 20000, [0, 0, 0, 2], [10, 100, 1000]);
        Assert.InRange(HistogramMath.Percentile(overflow, 0.99)!.Value, 10000, 20000);
    }

    [Fact]
    public void Chart_of_a_cumulative_histogram_shows_each_interval_not_the_running_total()
    {
        HistogramValue Cumulative(ulong fast, ulong slow) => new(fast + slow, null, null, null, [fast, slow, 0], [100, 1000]);
        var series = new MetricSeries("", [], [
            new MetricPoint(T0, T0.AddSeconds(1), 10, Cumulative(10, 0)),
            new MetricPoint(T0, T0.AddSeconds(2), 20, Cumulative(10, 10)),
            new MetricPoint(T0, T0.AddSeconds(3), 20, Cumulative(10, 10)),
        ]);
        var instrument = new MetricInstrument("worker", "m", "webhooks.delivery.attempt.duration", "", "ms", MetricKind.Histogram, MetricTemporality.Cumulative, [series]);

        var line = MetricChartData.Lines(instrument, 0.5).Single();
        // The first point stands alone (all fast); the second interval holds only slow values; the third measured nothing.
        Assert.Equal(2, line.Points.Count);
        Assert.True(line.Points[0].Value <= 100);
        Assert.True(line.Points[1].Value > 100);
    }

    [Fact]
    public void Telemetry_store_survives_a_throwing_subscriber()
    {
        var store = new TelemetryStore();
        var called = false;
        store.Changed += () => throw new InvalidOperationException("page bug");
        store.Changed += () => called = true;
        store.NotifyChanged();
        Assert.True(called);
    }

    private static LogEntry Log(string message, LogSeverity severity, string service = "api", string? traceId = null) =>
        new(0, T0, new TelemetrySource(service, null), severity, message, "Category", traceId, null, [new("route", "route-value-" + message.Length)]);

    private static SpanEntry Span(string traceId, string spanId, string? parent, string service, double startMs, double durationMs, params (string Key, string Value)[] attributes) =>
        new(traceId, spanId, parent, $"{spanId}-name", SpanKindName.Internal, T0.AddMilliseconds(startMs), T0.AddMilliseconds(startMs + durationMs),
            new TelemetrySource(service, null), "scope", SpanStatus.Unset, null, [.. attributes.Select(a => new TelemetryAttribute(a.Key, a.Value))], []);

    private static MetricStore.Incoming Point(string resource, string name, double value, params (string Key, string Value)[] attributes) =>
        new(resource, "WebhookDispatcher", name, "", "", MetricKind.Sum, MetricTemporality.Cumulative,
            [.. attributes.Select(a => new TelemetryAttribute(a.Key, a.Value))], new MetricPoint(T0, T0.AddSeconds(value), value));
}

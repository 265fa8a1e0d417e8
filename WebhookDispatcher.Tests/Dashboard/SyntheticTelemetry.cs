using System.Diagnostics;
using System.Net.Http.Headers;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using WebhookDispatcher.AppHost.Dashboard.Otlp.Proto;

namespace WebhookDispatcher.Tests.Dashboard;

/// <summary>
/// Feeds a dashboard what one payment event's life looks like, through its OTLP endpoint: the Api's ingestion trace
/// (with its PostgreSQL and Redis client spans), the Worker's two delivery attempts joined to it through the stored
/// traceparent, both services' logs, and a few minutes of the engine's metrics.
/// </summary>
public sealed class SyntheticTelemetry(Uri otlpUrl, string apiKey)
{
    // Not the real sources' names (Microsoft.AspNetCore, System.Net.Http): the dashboard's own Kestrel runs in this
    // process, and its requests must not be recorded as the fake services' spans.
    private static readonly ActivitySource Api = new("Synthetic.AspNetCore");
    private static readonly ActivitySource Engine = new("WebhookDispatcher");
    private static readonly ActivitySource Npgsql = new("Synthetic.Npgsql");
    private static readonly ActivitySource Http = new("Synthetic.Http");

    /// <summary>The traceparent the Api stored with the event: what the Deliveries page links to.</summary>
    public string IngestionTraceparent { get; private set; } = "";

    public string IngestionTraceId => IngestionTraceparent.Split('-')[1];

    public void SendPaymentEventTrace()
    {
        var t0 = DateTimeOffset.UtcNow.AddSeconds(-20);
        ActivityContext ingestion;
        using (var api = Tracer("api"))
        using (var apiLogs = Logs("api"))
        {
            var logger = apiLogs.CreateLogger("WebhookDispatcher.Api.Ingestion.EventIngestion");
            using (var post = Span(Api, "POST /events", ActivityKind.Server, default, t0, 35))
            {
                post.SetTag("http.request.method", "POST");
                post.SetTag("url.path", "/events");
                post.SetTag("http.route", "/events");
                post.SetTag("http.response.status_code", 202);
                ingestion = post.Context;
                IngestionTraceparent = post.Id!;
                using (var insert = Span(Npgsql, "INSERT webhooks", ActivityKind.Client, post.Context, t0.AddMilliseconds(5), 15))
                {
                    insert.SetTag("db.system.name", "postgresql");
                    insert.SetTag("db.query.text", "INSERT INTO events (id, merchant_id, type, payload) VALUES ($1, $2, $3, $4)");
                }
                using (var publish = Span(Engine, "PUBLISH webhooks:wake", ActivityKind.Producer, post.Context, t0.AddMilliseconds(22), 3))
                {
                    publish.SetTag("db.system.name", "redis");
                }
                logger.LogInformation("Accepted event {EventId} from merchant {MerchantId} with {Deliveries} delivery", "4b7f0c1e-5d2a-4f8e-9a61-2c3d4e5f6a7b", "merchant_42", 1);
            }
            api.ForceFlush(10_000);
        }

        using var worker = Tracer("worker");
        using var workerLogs = Logs("worker");
        var deliveryLogger = workerLogs.CreateLogger("WebhookDispatcher.Worker.Services.DeliveryWorker");
        Attempt(deliveryLogger, ingestion, t0.AddMilliseconds(60), attempt: 1, statusCode: 503, durationMs: 2000);
        Attempt(deliveryLogger, ingestion, t0.AddMilliseconds(4200), attempt: 2, statusCode: 200, durationMs: 140);
        worker.ForceFlush(10_000);
    }

    /// <summary>A few unrelated requests, so the trace list has more than one row to filter.</summary>
    public void SendBackgroundTraces()
    {
        using var api = Tracer("api");
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 3; i++)
        {
            using var get = Span(Api, "GET /events", ActivityKind.Server, default, now.AddSeconds(-10 + i), 4 + i);
            get.SetTag("http.response.status_code", 200);
            using (Span(Npgsql, "SELECT webhooks", ActivityKind.Client, get.Context, now.AddSeconds(-10 + i).AddMilliseconds(1), 2))
            {
            }
        }
        using (var bad = Span(Api, "POST /events", ActivityKind.Server, default, now.AddSeconds(-5), 3))
        {
            bad.SetTag("http.response.status_code", 400);
            bad.SetStatus(ActivityStatusCode.Error, "merchantId is required");
        }
        api.ForceFlush(10_000);
    }

    public void SendLog(string service, LogLevel level, string message)
    {
        using var logs = Logs(service);
        logs.CreateLogger("WebhookDispatcher.Tests").Log(level, "{Message}", message);
    }

    /// <summary>Five minutes of the engine's instruments, one point every 5 s, posted as raw OTLP so the chart has history.</summary>
    public async Task SendMetricHistoryAsync()
    {
        var end = DateTimeOffset.UtcNow;
        var start = end.AddMinutes(-5);
        var api = new ScopeMetrics { Scope = new InstrumentationScope { Name = "WebhookDispatcher" } };
        var worker = new ScopeMetrics { Scope = new InstrumentationScope { Name = "WebhookDispatcher" } };
        var ingested = Sum("webhooks.events.ingested", "{event}", "Events accepted by the Api (new ones; idempotent repeats excluded).");
        var attempts = Sum("webhooks.delivery.attempts", "{attempt}", "Delivery attempts by outcome (success, failure, timeout, dead).");
        var duration = Histogram("webhooks.delivery.attempt.duration", "ms", "Time from sending an attempt to its response or failure.");
        var latency = Histogram("webhooks.delivery.latency", "ms", "Time from an event's ingestion to its successful delivery.");
        var depth = new Metric { Name = "webhooks.queue.depth", Unit = "{delivery}", Description = "Deliveries by status.", Gauge = new Gauge() };

        double[] bounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];
        var durationBuckets = new ulong[bounds.Length + 1];
        var latencyBuckets = new ulong[bounds.Length + 1];
        double durationSum = 0, latencySum = 0;
        long events = 0, success = 0, failure = 0, timeout = 0;
        var random = new Random(7);
        for (var i = 0; i <= 60; i++)
        {
            var time = start.AddSeconds(i * 5);
            // A burst of traffic with a merchant outage in the middle: failures and latency climb, then recover.
            var outage = i is > 20 and < 35;
            var newEvents = 5 + random.Next(10);
            events += newEvents;
            var failed = outage ? newEvents / 2 : random.Next(2);
            failure += failed;
            timeout += outage ? 1 : 0;
            success += newEvents - failed;
            for (var n = 0; n < newEvents; n++)
            {
                var ms = outage ? 400 + random.Next(2000) : 20 + random.Next(120);
                durationSum += ms;
                durationBuckets[Bucket(bounds, ms)]++;
                var lat = outage ? 2000 + random.Next(6000) : 40 + random.Next(200);
                latencySum += lat;
                latencyBuckets[Bucket(bounds, lat)]++;
            }

            ingested.Sum.DataPoints.Add(Number(start, time, events));
            attempts.Sum.DataPoints.Add(Number(start, time, success, ("outcome", "success")));
            attempts.Sum.DataPoints.Add(Number(start, time, failure, ("outcome", "failure")));
            attempts.Sum.DataPoints.Add(Number(start, time, timeout, ("outcome", "timeout")));
            duration.Histogram.DataPoints.Add(HistogramPoint(start, time, durationBuckets, bounds, durationSum));
            latency.Histogram.DataPoints.Add(HistogramPoint(start, time, latencyBuckets, bounds, latencySum));
            depth.Gauge.DataPoints.Add(Number(start, time, outage ? 20 + i : random.Next(4), ("status", "pending")));
            depth.Gauge.DataPoints.Add(Number(start, time, outage ? 8 : random.Next(3), ("status", "in_flight")));
            depth.Gauge.DataPoints.Add(Number(start, time, 1 + (i > 30 ? 1 : 0), ("status", "dead")));
        }
        api.Metrics.Add(ingested);
        worker.Metrics.AddRange([attempts, duration, latency, depth]);

        var request = new ExportMetricsServiceRequest();
        request.ResourceMetrics.Add(new ResourceMetrics { Resource = ServiceResource("api"), ScopeMetrics = { api } });
        request.ResourceMetrics.Add(new ResourceMetrics { Resource = ServiceResource("worker"), ScopeMetrics = { worker } });
        using var http = new HttpClient { BaseAddress = otlpUrl };
        http.DefaultRequestHeaders.Add("x-otlp-api-key", apiKey);
        var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        (await http.PostAsync("/v1/metrics", content)).EnsureSuccessStatusCode();
    }

    private void Attempt(ILogger logger, ActivityContext ingestion, DateTimeOffset start, int attempt, int statusCode, double durationMs)
    {
        using var deliver = Span(Engine, "webhook deliver", ActivityKind.Internal, ingestion, start, durationMs + 12);
        deliver.SetTag("webhook.id", "4b7f0c1e-5d2a-4f8e-9a61-2c3d4e5f6a7b");
        deliver.SetTag("webhook.delivery_id", 7);
        deliver.SetTag("webhook.attempt", attempt);
        deliver.SetTag("webhook.merchant_id", "merchant_42");
        deliver.SetTag("http.response.status_code", statusCode);
        using (var post = Span(Http, "POST", ActivityKind.Client, deliver.Context, start.AddMilliseconds(2), durationMs))
        {
            post.SetTag("http.request.method", "POST");
            post.SetTag("url.full", "http://localhost:4000/webhook");
            post.SetTag("http.response.status_code", statusCode);
            if (statusCode >= 400)
            {
                post.SetStatus(ActivityStatusCode.Error);
                deliver.SetStatus(ActivityStatusCode.Error, $"HTTP {statusCode}");
            }
        }
        using (var update = Span(Npgsql, "UPDATE webhooks", ActivityKind.Client, deliver.Context, start.AddMilliseconds(durationMs + 4), 6))
        {
            update.SetTag("db.system.name", "postgresql");
            update.SetTag("db.query.text", "UPDATE deliveries SET status = $1, attempt_count = $2, next_attempt_at = $3 WHERE id = $4");
        }
        var previous = Activity.Current;
        Activity.Current = deliver;
        if (statusCode >= 400)
        {
            logger.LogWarning("Delivery {DeliveryId} attempt {Attempt} failed with HTTP {StatusCode}; retrying in {RetryDelay}", 7, attempt, statusCode, "2s");
        }
        else
        {
            logger.LogInformation("Delivery {DeliveryId} delivered on attempt {Attempt} in {DurationMs} ms", 7, attempt, durationMs);
        }
        Activity.Current = previous;
    }

    private static Activity Span(ActivitySource source, string name, ActivityKind kind, ActivityContext parent, DateTimeOffset start, double durationMs)
    {
        var activity = source.StartActivity(name, kind, parent, startTime: start)
            ?? throw new InvalidOperationException($"No listener sampled '{name}' from {source.Name}.");
        // Set before Stop, so the span keeps this duration rather than the few microseconds the test took.
        activity.SetEndTime(start.AddMilliseconds(durationMs).UtcDateTime);
        return activity;
    }

    private TracerProvider Tracer(string service) => Sdk.CreateTracerProviderBuilder()
        .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(service))
        .AddSource(Api.Name, Engine.Name, Npgsql.Name, Http.Name)
        .AddOtlpExporter(exporter => Configure(exporter, "/v1/traces"))
        .Build();

    private ILoggerFactory Logs(string service) => LoggerFactory.Create(logging => logging.AddOpenTelemetry(options =>
    {
        options.SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(service));
        options.IncludeFormattedMessage = true;
        options.AddOtlpExporter(exporter => Configure(exporter, "/v1/logs"));
    }));

    private void Configure(OtlpExporterOptions exporter, string path)
    {
        exporter.Endpoint = new Uri(otlpUrl, path);
        exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
        exporter.Headers = $"x-otlp-api-key={apiKey}";
    }

    private static WebhookDispatcher.AppHost.Dashboard.Otlp.Proto.Resource ServiceResource(string name) => new()
    {
        Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = name } } },
    };

    private static Metric Sum(string name, string unit, string description) =>
        new() { Name = name, Unit = unit, Description = description, Sum = new Sum { AggregationTemporality = AggregationTemporality.Cumulative, IsMonotonic = true } };

    private static Metric Histogram(string name, string unit, string description) =>
        new() { Name = name, Unit = unit, Description = description, Histogram = new Histogram { AggregationTemporality = AggregationTemporality.Cumulative } };

    private static NumberDataPoint Number(DateTimeOffset start, DateTimeOffset time, long value, params (string Key, string Value)[] attributes)
    {
        var point = new NumberDataPoint { StartTimeUnixNano = Nanos(start), TimeUnixNano = Nanos(time), AsInt = value };
        point.Attributes.AddRange(attributes.Select(a => new KeyValue { Key = a.Key, Value = new AnyValue { StringValue = a.Value } }));
        return point;
    }

    private static HistogramDataPoint HistogramPoint(DateTimeOffset start, DateTimeOffset time, ulong[] buckets, double[] bounds, double sum) => new()
    {
        StartTimeUnixNano = Nanos(start),
        TimeUnixNano = Nanos(time),
        Count = buckets.Aggregate(0UL, (a, b) => a + b),
        Sum = sum,
        BucketCounts = { buckets },
        ExplicitBounds = { bounds },
    };

    private static int Bucket(double[] bounds, double value)
    {
        var index = Array.FindIndex(bounds, b => value <= b);
        return index < 0 ? bounds.Length : index;
    }

    private static ulong Nanos(DateTimeOffset time) => (ulong)(time - DateTimeOffset.UnixEpoch).Ticks * 100;
}

namespace WebhookDispatcher.AppHost.Dashboard.Telemetry;

/// <summary>
/// Spans grouped by trace, at most <see cref="MaxTraces"/> traces (Aspire keeps 10,000), the trace first seen longest
/// ago dropped first. A trace grows as its services export: the Worker's delivery spans join the Api's ingestion
/// trace minutes later, through the traceparent stored with the event.
/// </summary>
public sealed class TraceStore(int maxTraces = TraceStore.DefaultMaxTraces, int maxSpansPerTrace = TraceStore.DefaultMaxSpansPerTrace)
{
    public const int DefaultMaxTraces = 10_000;
    public const int DefaultMaxSpansPerTrace = 5_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, StoredTrace> _traces = new(StringComparer.Ordinal);
    private readonly Queue<string> _arrivalOrder = new();

    public int MaxTraces => maxTraces;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _traces.Count;
            }
        }
    }

    public void Add(IEnumerable<SpanEntry> spans)
    {
        lock (_lock)
        {
            foreach (var span in spans)
            {
                if (!_traces.TryGetValue(span.TraceId, out var trace))
                {
                    while (_traces.Count >= maxTraces && _arrivalOrder.TryDequeue(out var oldest))
                    {
                        _traces.Remove(oldest);
                    }
                    trace = new StoredTrace();
                    _traces[span.TraceId] = trace;
                    _arrivalOrder.Enqueue(span.TraceId);
                }
                // An exporter may send a batch again after a timeout: keep one copy of each span.
                if (trace.Spans.Count < maxSpansPerTrace && trace.SpanIds.Add(span.SpanId))
                {
                    trace.Spans.Add(span);
                    if (trace.Spans.Count == 1 || span.Start < trace.Start)
                    {
                        trace.Start = span.Start;
                    }
                }
            }
        }
    }

    /// <summary>Matching traces, the latest started first, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<TraceSummary> Query(TraceQuery query, int limit = 200)
    {
        List<(string Id, SpanEntry[] Spans)> latest;
        lock (_lock)
        {
            latest = [.. _traces
                .Where(t => query.Matches(t.Value.Spans))
                .OrderByDescending(t => t.Value.Start)
                .Take(limit)
                .Select(t => (t.Key, t.Value.Spans.ToArray()))];
        }
        return [.. latest.Select(t => TraceAssembler.Summarize(t.Id, t.Spans))];
    }

    public TraceDetail? Get(string traceId)
    {
        SpanEntry[] spans;
        lock (_lock)
        {
            if (!_traces.TryGetValue(traceId, out var trace) || trace.Spans.Count == 0)
            {
                return null;
            }
            spans = [.. trace.Spans];
        }
        return TraceAssembler.Assemble(traceId, spans);
    }

    public IReadOnlyList<string> Resources()
    {
        lock (_lock)
        {
            return [.. _traces.Values.SelectMany(t => t.Spans).Select(s => s.Source.ServiceName).Distinct().Order(StringComparer.Ordinal)];
        }
    }

    private sealed class StoredTrace
    {
        public List<SpanEntry> Spans { get; } = [];

        public HashSet<string> SpanIds { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset Start { get; set; }
    }
}

namespace WebhookDispatcher.AppHost.Dashboard.Telemetry;

/// <summary>
/// Turns a trace's spans, in whatever order they arrived from however many services, into its summary and its
/// waterfall. A span whose parent hasn't arrived (or never will) is shown as a root rather than hidden.
/// </summary>
public static class TraceAssembler
{
    public static TraceSummary Summarize(string traceId, IReadOnlyList<SpanEntry> spans)
    {
        var start = spans.Min(s => s.Start);
        var end = spans.Max(s => s.End);
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        var root = spans.Where(s => s.ParentSpanId is null || !ids.Contains(s.ParentSpanId)).MinBy(s => s.Start) ?? spans[0];
        var resources = spans.Select(s => s.Source.ServiceName).Distinct().Order(StringComparer.Ordinal).ToList();
        return new TraceSummary(
            traceId,
            $"{root.Source.ServiceName}: {root.Name}",
            start,
            end > start ? end - start : TimeSpan.Zero,
            resources,
            spans.Count,
            spans.Count(s => s.Status == SpanStatus.Error));
    }

    public static TraceDetail Assemble(string traceId, IReadOnlyList<SpanEntry> spans)
    {
        var summary = Summarize(traceId, spans);
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        var children = spans
            .Where(s => s.ParentSpanId is not null && ids.Contains(s.ParentSpanId))
            .GroupBy(s => s.ParentSpanId!)
            .ToDictionary(g => g.Key, g => g.OrderBy(s => s.Start).ToList());
        var roots = spans.Where(s => s.ParentSpanId is null || !ids.Contains(s.ParentSpanId)).OrderBy(s => s.Start);

        var total = summary.Duration.Ticks;
        var ordered = new List<WaterfallSpan>(spans.Count);
        var visited = new HashSet<string>();

        // Iterative depth-first walk: a deep or (corrupt) cyclic trace must not overflow the stack.
        var stack = new Stack<(SpanEntry Span, int Depth)>();
        foreach (var root in roots.Reverse())
        {
            stack.Push((root, 0));
        }
        while (stack.Count > 0)
        {
            var (span, depth) = stack.Pop();
            if (!visited.Add(span.SpanId))
            {
                continue;
            }
            var offset = total == 0 ? 0 : (double)(span.Start - summary.Start).Ticks / total;
            var width = total == 0 ? 1 : (double)span.Duration.Ticks / total;
            ordered.Add(new WaterfallSpan(span, depth, Math.Clamp(offset, 0, 1), Math.Clamp(width, 0, 1 - Math.Clamp(offset, 0, 1))));
            if (children.TryGetValue(span.SpanId, out var kids))
            {
                for (var i = kids.Count - 1; i >= 0; i--)
                {
                    stack.Push((kids[i], depth + 1));
                }
            }
        }
        return new TraceDetail(summary, ordered);
    }
}

namespace WebhookDispatcher.AppHost.Dashboard.Telemetry;

/// <summary>A whole trace, its spans in waterfall order: parents before children, siblings by start time.</summary>
public sealed record TraceDetail(TraceSummary Summary, IReadOnlyList<WaterfallSpan> Spans);

/// <summary>A span placed in the waterfall: its depth in the tree, and its bar as fractions of the trace's duration.</summary>
public sealed record WaterfallSpan(SpanEntry Span, int Depth, double Offset, double Width);

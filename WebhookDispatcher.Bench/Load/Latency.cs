using System.Diagnostics;
using HdrHistogram;

namespace WebhookDispatcher.Bench.Load;

/// <summary>A latency histogram in microseconds (HdrHistogram, 3 significant digits), safe to record from many threads.</summary>
public sealed class Latency
{
    private readonly LongConcurrentHistogram _histogram = new(1, TimeSpan.FromHours(1).Ticks / 10, 3);

    public long Count => _histogram.TotalCount;

    public void RecordTimestamps(long start, long end) => Record(Stopwatch.GetElapsedTime(start, end));

    public void Record(TimeSpan elapsed) => _histogram.RecordValue(Math.Max(1, (long)(elapsed.Ticks / 10)));

    public LatencySummary Summarize() => Count == 0
        ? new LatencySummary(0, 0, 0, 0, 0, 0)
        : new LatencySummary(Count, Ms(_histogram.GetValueAtPercentile(50)), Ms(_histogram.GetValueAtPercentile(95)),
            Ms(_histogram.GetValueAtPercentile(99)), Ms(_histogram.GetMaxValue()), Math.Round(_histogram.GetMean() / 1000.0, 3));

    private static double Ms(long microseconds) => Math.Round(microseconds / 1000.0, 3);
}

public sealed record LatencySummary(long Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs, double MeanMs);

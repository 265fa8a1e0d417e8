namespace WebhookDispatcher.AppHost.Dashboard.Telemetry;

/// <summary>Percentiles from explicit-bucket histograms, and the difference between two cumulative ones.</summary>
public static class HistogramMath
{
    /// <summary>
    /// The value below which <paramref name="quantile"/> of the measurements fall, interpolated linearly inside the
    /// bucket that holds it (as Prometheus' histogram_quantile does). Null when the histogram is empty.
    /// </summary>
    public static double? Percentile(HistogramValue histogram, double quantile)
    {
        var total = histogram.BucketCounts.Aggregate(0UL, (sum, c) => sum + c);
        if (total == 0)
        {
            return null;
        }
        var rank = quantile * total;
        var seen = 0UL;
        for (var i = 0; i < histogram.BucketCounts.Count; i++)
        {
            var count = histogram.BucketCounts[i];
            if (count == 0 || seen + count < rank)
            {
                seen += count;
                continue;
            }
            // The first bucket starts at the minimum (or 0); the overflow bucket ends at the maximum (or its lower bound).
            var lower = i == 0 ? Math.Min(histogram.Min ?? 0, Bound(histogram, 0)) : Bound(histogram, i - 1);
            var upper = i < histogram.Bounds.Count ? Bound(histogram, i) : histogram.Max ?? lower;
            if (histogram.Min is { } min && lower < min)
            {
                lower = min;
            }
            if (histogram.Max is { } max && upper > max)
            {
                upper = max;
            }
            var fraction = (rank - seen) / count;
            return lower + ((upper - lower) * Math.Clamp(fraction, 0, 1));
        }
        return histogram.Max ?? Bound(histogram, histogram.Bounds.Count - 1);
    }

    /// <summary>
    /// What was measured between two cumulative points of one series; null if the series restarted (its start time
    /// changed) or the buckets don't line up, in which case the later point stands alone.
    /// </summary>
    public static HistogramValue? Delta(HistogramValue previous, HistogramValue current)
    {
        if (previous.BucketCounts.Count != current.BucketCounts.Count || current.Count < previous.Count)
        {
            return null;
        }
        var buckets = new ulong[current.BucketCounts.Count];
        for (var i = 0; i < buckets.Length; i++)
        {
            if (current.BucketCounts[i] < previous.BucketCounts[i])
            {
                return null;
            }
            buckets[i] = current.BucketCounts[i] - previous.BucketCounts[i];
        }
        // Min and max are for the whole cumulative range; they still bound the interval's values, so keep them.
        return new HistogramValue(current.Count - previous.Count, current.Sum - previous.Sum, current.Min, current.Max, buckets, current.Bounds);
    }

    private static double Bound(HistogramValue histogram, int index) =>
        histogram.Bounds.Count == 0 ? 0 : histogram.Bounds[Math.Clamp(index, 0, histogram.Bounds.Count - 1)];
}

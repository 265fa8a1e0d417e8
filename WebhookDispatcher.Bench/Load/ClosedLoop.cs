using System.Diagnostics;

namespace WebhookDispatcher.Bench.Load;

/// <summary>
/// N callers, each sending its next request as soon as the last one is answered, for a fixed time: the most the
/// target sustains at that concurrency. Counts the units each call reports done (events for a batch) and times
/// every call.
/// </summary>
public static class ClosedLoop
{
    public sealed record Result(long Calls, long Units, long Failures, TimeSpan Elapsed, LatencySummary Latency)
    {
        public double UnitsPerSecond => Math.Round(Units / Elapsed.TotalSeconds, 1);
    }

    /// <param name="call">Sends request number n; returns how many units it got done (0 for a failure).</param>
    public static async Task<Result> RunAsync(int concurrency, TimeSpan duration, Func<long, CancellationToken, Task<int>> call,
        string label, CancellationToken cancellationToken = default)
    {
        var latency = new Latency();
        long calls = 0, units = 0, failures = 0, next = 0;
        var clock = Stopwatch.StartNew();
        await using (new LiveProgress(label, elapsed =>
            $"{concurrency} conn  {Interlocked.Read(ref units),10:N0} done  {Interlocked.Read(ref units) / Math.Max(0.001, elapsed.TotalSeconds),9:N0}/s  failures {Interlocked.Read(ref failures)}"))
        {
            var loops = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
                {
                    var n = Interlocked.Increment(ref next);
                    var start = Stopwatch.GetTimestamp();
                    int done;
                    try
                    {
                        done = await call(n, cancellationToken);
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or Npgsql.NpgsqlException)
                    {
                        done = 0;
                    }
                    latency.RecordTimestamps(start, Stopwatch.GetTimestamp());
                    Interlocked.Increment(ref calls);
                    if (done > 0)
                    {
                        Interlocked.Add(ref units, done);
                    }
                    else
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            }, cancellationToken)).ToList();
            await Task.WhenAll(loops);
        }
        return new Result(calls, units, failures, clock.Elapsed, latency.Summarize());
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using WebhookDispatcher.Bench.Hosting;
using WebhookDispatcher.Bench.Load;
using WebhookDispatcher.Bench.Reporting;

namespace WebhookDispatcher.Bench.Scenarios;

/// <summary>
/// A fixed offered rate against the running system (Api, one Worker, Redis wake-ups): events are POSTed on a
/// schedule whatever the answers do (an open loop), and each one's latency is from the 202 coming back to the
/// webhook's arrival at the bench's receiver. Both stamps come from this process's monotonic clock. A webhook can
/// arrive before its 202 does (the Worker woke on Redis while the answer was on its way): that counts as 0 and is
/// counted apart; the latency from the POST being sent is reported too.
/// </summary>
public static class EndToEndScenario
{
    /// <summary>Requests awaiting an answer beyond this are not sent (and counted): the generator never queues unboundedly.</summary>
    private const int MaxOutstanding = 2000;

    public static async Task<EndToEndRun> RunAsync(BenchContext context, int rate, CancellationToken cancellationToken)
    {
        var duration = context.Plan.EndToEndDuration;
        await context.Database.ResetAsync(cancellationToken);
        await context.System.ScaleWorkersAsync(1, cancellationToken);
        context.Receiver.Reset();

        using var api = context.CreateApiClient(128);
        var acks = new ConcurrentDictionary<string, (long Sent, long Acked)>();
        var ackLatency = new Latency();
        long offered = 0, refused = 0, outstanding = 0, lastAck = 0;
        var sends = new ConcurrentBag<Task>();
        var meter = await CostMeter.StartAsync(context, cancellationToken);
        var transactionsBefore = await context.Database.TransactionsAsync(cancellationToken);
        var cpuBefore = context.CpuSnapshot();
        var clock = Stopwatch.StartNew();

        await using (new LiveProgress($"end to end: {rate:N0}/s", elapsed =>
            $"offered {Interlocked.Read(ref offered),7:N0}  acked {acks.Count,7:N0}  arrived {context.Receiver.Received,7:N0}  refused {Interlocked.Read(ref refused)}"))
        {
            while (clock.Elapsed < duration)
            {
                var due = (long)(clock.Elapsed.TotalSeconds * rate);
                while (offered < due)
                {
                    var n = offered++;
                    if (Interlocked.Read(ref outstanding) >= MaxOutstanding)
                    {
                        Interlocked.Increment(ref refused);
                        continue;
                    }
                    Interlocked.Increment(ref outstanding);
                    sends.Add(SendAsync(n));
                }
                await Task.Delay(1, cancellationToken);
            }
            await Task.WhenAll(sends);
            var offeredFor = clock.Elapsed;
            var cpuAfter = context.CpuSnapshot();
            await meter.StopAsync(cancellationToken);

            // Wait for the stragglers: every acknowledged event must arrive.
            var wait = Stopwatch.StartNew();
            while (acks.Keys.Any(id => !context.Receiver.TryGetArrival(id, out _)) && wait.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(50, cancellationToken);
            }

            var fromAck = new Latency();
            var fromPost = new Latency();
            long arrived = 0, beforeAck = 0, lastArrival = 0;
            foreach (var (id, (sent, acked)) in acks)
            {
                if (!context.Receiver.TryGetArrival(id, out var arrival))
                {
                    continue;
                }
                arrived++;
                lastArrival = Math.Max(lastArrival, arrival);
                fromPost.RecordTimestamps(sent, arrival);
                if (arrival < acked)
                {
                    beforeAck++;
                    fromAck.Record(TimeSpan.Zero);
                }
                else
                {
                    fromAck.RecordTimestamps(acked, arrival);
                }
            }
            var cost = await meter.CostAsync(acks.Count, cancellationToken);
            var transactions = await context.Database.TransactionsAsync(cancellationToken) - transactionsBefore;
            var lag = lastArrival > lastAck ? Stopwatch.GetElapsedTime(lastAck, lastArrival).TotalSeconds : 0;
            return new EndToEndRun(rate, Math.Round(offeredFor.TotalSeconds, 2), offered, acks.Count, refused, arrived,
                Math.Round(arrived / offeredFor.TotalSeconds, 1), fromAck.Summarize(), fromPost.Summarize(), ackLatency.Summarize(),
                beforeAck, Math.Round(lag, 3), KeptUp: arrived == acks.Count && refused == 0 && lag < 1.0,
                ProcessCpu.CoresUsed(cpuBefore, cpuAfter, offeredFor), Math.Round(transactions / (double)Math.Max(1, acks.Count), 2), cost);
        }

        async Task SendAsync(long n)
        {
            var sent = Stopwatch.GetTimestamp();
            try
            {
                if (await api.PostEventAsync(ApiClient.PaymentEvent(n), cancellationToken: cancellationToken) is { } id)
                {
                    var acked = Stopwatch.GetTimestamp();
                    acks[id.ToString()] = (sent, acked);
                    ackLatency.RecordTimestamps(sent, acked);
                    InterlockedMax(ref lastAck, acked);
                }
                else
                {
                    Interlocked.Increment(ref refused);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref refused);
            }
            finally
            {
                Interlocked.Decrement(ref outstanding);
            }
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }
}

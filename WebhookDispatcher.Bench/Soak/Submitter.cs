using System.Collections.Concurrent;
using System.Diagnostics;
using WebhookDispatcher.Bench.Load;

namespace WebhookDispatcher.Bench.Soak;

/// <summary>
/// Submits the soak's events at a steady rate whatever the system is going through, each sent again until the Api
/// answers 202. Even-numbered events carry an Idempotency-Key, as a careful producer's would, so a resend after an
/// Api that died between COMMIT and answer returns the first event; odd ones carry none (the Api's group-commit
/// path), so such a resend stores a second event, which is delivered too and counted as stored-but-unacknowledged.
/// </summary>
public sealed class Submitter(ApiClient api, int seed)
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(3);

    private readonly ConcurrentDictionary<long, Guid> _acknowledged = new();
    private long _attempts;
    private long _rejected;
    private long _lastAck;
    private long _abandoned;

    /// <summary>Acknowledged events by their number; the id is the one the Api gave in its 202.</summary>
    public IReadOnlyDictionary<long, Guid> Acknowledged => _acknowledged;

    public long Attempts => Interlocked.Read(ref _attempts);

    /// <summary>Submissions that did not get a 202 at the first try (refused, failed, or cut) and were sent again.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Events never acknowledged within the give-up time (they count as not submitted, not as lost).</summary>
    public long Abandoned => Interlocked.Read(ref _abandoned);

    /// <summary>When the latest 202 came back (a Stopwatch timestamp).</summary>
    public long LastAck => Interlocked.Read(ref _lastAck);

    public async Task RunAsync(int events, TimeSpan over, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var rate = events / over.TotalSeconds;
        var sends = new List<Task>(events);
        for (var n = 0; n < events; n++)
        {
            var due = TimeSpan.FromSeconds(n / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, cancellationToken);
            }
            sends.Add(SubmitAsync(n, cancellationToken));
        }
        await Task.WhenAll(sends);
    }

    private async Task SubmitAsync(long n, CancellationToken cancellationToken)
    {
        var key = n % 2 == 0 ? $"soak-{seed}-{n}" : null;
        var since = Stopwatch.StartNew();
        var first = true;
        while (since.Elapsed < GiveUpAfter)
        {
            Interlocked.Increment(ref _attempts);
            try
            {
                if (await api.PostEventAsync(ApiClient.PaymentEvent(n), key, cancellationToken) is { } id)
                {
                    _acknowledged[n] = id;
                    Interlocked.Exchange(ref _lastAck, Stopwatch.GetTimestamp());
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
            }
            if (first)
            {
                Interlocked.Increment(ref _rejected);
                first = false;
            }
            await Task.Delay(RetryEvery, cancellationToken);
        }
        Interlocked.Increment(ref _abandoned);
    }
}

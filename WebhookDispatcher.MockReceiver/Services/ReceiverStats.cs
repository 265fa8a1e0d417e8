using System.Collections.Concurrent;

namespace WebhookDispatcher.MockReceiver.Services;

/// <summary>What the mock merchant has seen, counted the way a merchant would want to know it.</summary>
public sealed class ReceiverStats
{
    private readonly ConcurrentDictionary<string, int> _acceptedIds = new();
    private long _received, _accepted, _failed, _timedOut, _badSignatures, _duplicates;

    public void Received() => Interlocked.Increment(ref _received);
    public void Failed() => Interlocked.Increment(ref _failed);
    public void TimedOut() => Interlocked.Increment(ref _timedOut);
    public void BadSignature() => Interlocked.Increment(ref _badSignatures);

    /// <summary>Counts an accepted webhook; a webhook-id accepted before is a duplicate (at-least-once at work).</summary>
    public void Accepted(string webhookId)
    {
        Interlocked.Increment(ref _accepted);
        if (_acceptedIds.AddOrUpdate(webhookId, 1, (_, n) => n + 1) > 1)
        {
            Interlocked.Increment(ref _duplicates);
        }
    }

    public bool WasAccepted(string webhookId) => _acceptedIds.ContainsKey(webhookId);

    /// <summary>How many times each webhook-id was accepted (more than once: a duplicate delivery).</summary>
    public IReadOnlyDictionary<string, int> AcceptedCounts() => new Dictionary<string, int>(_acceptedIds);

    public StatsSnapshot Snapshot() => new(
        Interlocked.Read(ref _received),
        Interlocked.Read(ref _accepted),
        Interlocked.Read(ref _failed),
        Interlocked.Read(ref _timedOut),
        Interlocked.Read(ref _badSignatures),
        Interlocked.Read(ref _duplicates),
        _acceptedIds.Count);

    public void Reset()
    {
        _acceptedIds.Clear();
        Interlocked.Exchange(ref _received, 0);
        Interlocked.Exchange(ref _accepted, 0);
        Interlocked.Exchange(ref _failed, 0);
        Interlocked.Exchange(ref _timedOut, 0);
        Interlocked.Exchange(ref _badSignatures, 0);
        Interlocked.Exchange(ref _duplicates, 0);
    }
}

public sealed record StatsSnapshot(
    long Received,
    long Accepted,
    long Failed,
    long TimedOut,
    long BadSignatures,
    long Duplicates,
    long UniqueAccepted);

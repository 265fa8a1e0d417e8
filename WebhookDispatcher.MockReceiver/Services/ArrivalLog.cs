using System.Collections.Concurrent;

namespace WebhookDispatcher.MockReceiver.Services;

/// <summary>
/// When each request reached each webhook path, as the merchant's own clock saw it: what a rate limit is judged by.
/// Each path keeps its latest <see cref="MaxPerPath"/> arrivals.
/// </summary>
public sealed class ArrivalLog
{
    public const int MaxPerPath = 100_000;

    private readonly ConcurrentDictionary<string, ConcurrentQueue<DateTimeOffset>> _arrivals = new();

    public void Arrived(string path, DateTimeOffset at)
    {
        var queue = _arrivals.GetOrAdd(path, _ => new ConcurrentQueue<DateTimeOffset>());
        queue.Enqueue(at);
        while (queue.Count > MaxPerPath && queue.TryDequeue(out _))
        {
        }
    }

    public IReadOnlyList<DateTimeOffset> At(string path) => _arrivals.TryGetValue(path, out var queue) ? [.. queue] : [];

    public void Clear() => _arrivals.Clear();
}

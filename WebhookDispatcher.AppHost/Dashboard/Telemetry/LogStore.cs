namespace WebhookDispatcher.AppHost.Dashboard.Telemetry;

/// <summary>The newest log records of every resource, at most <see cref="Capacity"/> (Aspire keeps 10,000); oldest dropped first.</summary>
public sealed class LogStore(int capacity = LogStore.DefaultCapacity)
{
    public const int DefaultCapacity = 10_000;

    private readonly Lock _lock = new();
    private readonly RingBuffer<LogEntry> _entries = new(capacity);
    private long _lastSequence;

    public int Capacity => _entries.Capacity;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Stores records, giving each the next sequence number (their <see cref="LogEntry.Sequence"/> is ignored).</summary>
    public void Add(IEnumerable<LogEntry> entries)
    {
        lock (_lock)
        {
            foreach (var entry in entries)
            {
                _entries.Add(entry with { Sequence = ++_lastSequence });
            }
        }
    }

    /// <summary>Matching records, newest first, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<LogEntry> Query(LogQuery query, int limit = 500)
    {
        var result = new List<LogEntry>();
        lock (_lock)
        {
            for (var i = _entries.Count - 1; i >= 0 && result.Count < limit; i--)
            {
                var entry = _entries[i];
                if (query.Matches(entry))
                {
                    result.Add(entry);
                }
            }
        }
        return result;
    }

    public LogEntry? Get(long sequence)
    {
        lock (_lock)
        {
            for (var i = _entries.Count - 1; i >= 0; i--)
            {
                if (_entries[i].Sequence == sequence)
                {
                    return _entries[i];
                }
            }
        }
        return null;
    }

    /// <summary>The service names that have sent logs still held.</summary>
    public IReadOnlyList<string> Resources()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        lock (_lock)
        {
            for (var i = 0; i < _entries.Count; i++)
            {
                names.Add(_entries[i].Source.ServiceName);
            }
        }
        return [.. names];
    }
}

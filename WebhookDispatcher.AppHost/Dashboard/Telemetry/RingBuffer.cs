namespace WebhookDispatcher.AppHost.Dashboard.Telemetry;

/// <summary>
/// A fixed-capacity buffer that drops its oldest item when full: every store of the dashboard is bounded this way,
/// so a chatty service can't grow the AppHost's memory without end. Not thread-safe; its owner locks.
/// </summary>
public sealed class RingBuffer<T>
{
    private readonly T[] _items;
    private int _start;

    public RingBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _items = new T[capacity];
    }

    public int Capacity => _items.Length;

    public int Count { get; private set; }

    /// <summary>Adds an item; returns the one it pushed out when the buffer was full.</summary>
    public bool Add(T item, out T? dropped)
    {
        if (Count < _items.Length)
        {
            _items[(_start + Count) % _items.Length] = item;
            Count++;
            dropped = default;
            return false;
        }
        dropped = _items[_start];
        _items[_start] = item;
        _start = (_start + 1) % _items.Length;
        return true;
    }

    public void Add(T item) => Add(item, out _);

    /// <summary>The item at <paramref name="index"/>, 0 being the oldest.</summary>
    public T this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return _items[(_start + index) % _items.Length];
        }
    }

    public T? Last => Count == 0 ? default : this[Count - 1];

    /// <summary>A copy, oldest first, safe to use after the owner's lock is released.</summary>
    public List<T> ToList()
    {
        var list = new List<T>(Count);
        for (var i = 0; i < Count; i++)
        {
            list.Add(this[i]);
        }
        return list;
    }
}

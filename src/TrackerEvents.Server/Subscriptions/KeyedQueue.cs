namespace TrackerEvents.Subscriptions;

/// <summary>
/// A FIFO queue in which entries with a key (a tracker id) are replaced in place by a newer value for
/// the same key, so the queue never holds more than one entry per key. Not thread-safe.
/// </summary>
internal sealed class KeyedQueue<T>
{
    private readonly LinkedList<(long? Key, T Value)> _entries = new();
    private readonly Dictionary<long, LinkedListNode<(long? Key, T Value)>> _keyed = [];

    public int Count => _entries.Count;

    public void Put(long key, T value)
    {
        if (_keyed.TryGetValue(key, out var node))
        {
            node.Value = (key, value);
            return;
        }

        _keyed[key] = _entries.AddLast((key, value));
    }

    public bool TryGet(long key, out T value)
    {
        if (_keyed.TryGetValue(key, out var node))
        {
            value = node.Value.Value;
            return true;
        }

        value = default!;
        return false;
    }

    public void Add(T value) => _entries.AddLast((null, value));

    public bool TryTake(out long? key, out T value)
    {
        if (_entries.First is not { } first)
        {
            (key, value) = (null, default!);
            return false;
        }

        _entries.RemoveFirst();
        (key, value) = first.Value;
        if (key is { } k)
        {
            _keyed.Remove(k);
        }

        return true;
    }

    public bool Remove(long key)
    {
        if (!_keyed.Remove(key, out var node))
        {
            return false;
        }

        _entries.Remove(node);
        return true;
    }

    /// <summary>Takes every entry, in order.</summary>
    public List<(long? Key, T Value)> Drain()
    {
        var all = new List<(long? Key, T Value)>(_entries);
        _entries.Clear();
        _keyed.Clear();
        return all;
    }
}

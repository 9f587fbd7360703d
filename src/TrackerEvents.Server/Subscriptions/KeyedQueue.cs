namespace TrackerEvents.Subscriptions;

/// <summary>
/// A FIFO queue in which entries with a key (a tracker id) are replaced in place by a newer value for
/// the same key, so the queue never holds more than one entry per key. Not thread-safe.
/// </summary>
/// <remarks>
/// Entries live in one list, each key mapped to its slot; a taken or removed entry leaves an empty slot
/// that is skipped, and the list is compacted once half of it is empty (or emptied when nothing is left).
/// A linked list allocated a node per new key: a control room's connection queued 10,000 a second.
/// </remarks>
internal sealed class KeyedQueue<T>
{
    private const int CompactFrom = 64;
    private readonly List<Slot> _slots = [];
    private readonly Dictionary<long, int> _keyed = [];
    private int _head; // slots before it are empty
    private int _count;

    public int Count => _count;

    public void Put(long key, T value)
    {
        if (_keyed.TryGetValue(key, out var at))
        {
            _slots[at] = new Slot(key, value, Live: true);
            return;
        }

        _keyed[key] = _slots.Count;
        _slots.Add(new Slot(key, value, Live: true));
        _count++;
    }

    public bool TryGet(long key, out T value)
    {
        if (_keyed.TryGetValue(key, out var at))
        {
            value = _slots[at].Value;
            return true;
        }

        value = default!;
        return false;
    }

    public void Add(T value)
    {
        _slots.Add(new Slot(null, value, Live: true));
        _count++;
    }

    public bool TryTake(out long? key, out T value)
    {
        while (_head < _slots.Count && !_slots[_head].Live)
        {
            _head++;
        }

        if (_count == 0)
        {
            (key, value) = (null, default!);
            return false;
        }

        (key, value, _) = _slots[_head];
        _slots[_head++] = default; // the value is no longer held
        if (key is { } k)
        {
            _keyed.Remove(k);
        }

        _count--;
        Compact();
        return true;
    }

    public bool Remove(long key)
    {
        if (!_keyed.Remove(key, out var at))
        {
            return false;
        }

        _slots[at] = default;
        _count--;
        Compact();
        return true;
    }

    /// <summary>Takes every entry, in order.</summary>
    public List<(long? Key, T Value)> Drain()
    {
        var all = new List<(long? Key, T Value)>(_count);
        for (var i = _head; i < _slots.Count; i++)
        {
            if (_slots[i].Live)
            {
                all.Add((_slots[i].Key, _slots[i].Value));
            }
        }

        _count = 0;
        Compact();
        return all;
    }

    private void Compact()
    {
        if (_count == 0)
        {
            _slots.Clear();
            _keyed.Clear();
            _head = 0;
            return;
        }

        if (_slots.Count < CompactFrom || (_slots.Count - _count) * 2 < _slots.Count)
        {
            return;
        }

        var live = 0;
        for (var i = _head; i < _slots.Count; i++)
        {
            if (_slots[i].Live)
            {
                _slots[live] = _slots[i];
                if (_slots[live].Key is { } key)
                {
                    _keyed[key] = live;
                }

                live++;
            }
        }

        _slots.RemoveRange(live, _slots.Count - live);
        _head = 0;
    }

    private readonly record struct Slot(long? Key, T Value, bool Live);
}

using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace TrackerEvents.Client;

/// <summary>
/// The events between the connection and a consumer that may read slower than they come. Memory stays
/// bounded however far behind the consumer is: an unread event is merged with a newer one of the same key
/// (<see cref="Conflation"/>: one state per tracker, one batch of each kind), and of the other events (lifecycle,
/// logout, unknown kinds) at most <c>capacity</c> wait, the oldest dropped and counted past that. The connection
/// never waits for the consumer, so heartbeats and dead-peer detection go on.
/// </summary>
internal sealed class EventBuffer(int capacity)
{
    private readonly object _gate = new();
    private readonly LinkedList<TrackerEvent> _queue = new();
    private readonly Dictionary<Conflation.Key, LinkedListNode<TrackerEvent>> _unread = [];
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    private int _others;
    private long _dropped;
    private bool _completed;
    private Exception? _fault;

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events waiting to be read (merged ones counted once).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>The events waiting, oldest first, without taking them.</summary>
    public List<TrackerEvent> Peek()
    {
        lock (_gate)
        {
            return [.. _queue];
        }
    }

    public void Add(TrackerEvent e)
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            var key = Conflation.KeyOf(e);
            if (key is { } k && _unread.TryGetValue(k, out var node))
            {
                node.Value = Conflation.Merge(node.Value, e);
                return;
            }

            var added = _queue.AddLast(e);
            if (key is { } newKey)
            {
                _unread[newKey] = added;
            }
            else if (++_others > capacity)
            {
                DropOldestOther();
            }
        }

        _doorbell.Writer.TryWrite(true);
    }

    /// <summary>No more events: the consumer reads what waits, then the enumeration ends (with <paramref name="fault"/> thrown, if any).</summary>
    public void Complete(Exception? fault = null)
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            _fault = fault;
        }

        _doorbell.Writer.TryComplete();
    }

    public async IAsyncEnumerable<TrackerEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            while (TryTake(out var next))
            {
                yield return next;
            }

            if (!await _doorbell.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (TryTake(out var last))
                {
                    yield return last;
                }

                if (_fault is not null)
                {
                    throw _fault;
                }

                yield break;
            }

            _doorbell.Reader.TryRead(out _);
        }
    }

    private bool TryTake(out TrackerEvent next)
    {
        lock (_gate)
        {
            var first = _queue.First;
            if (first is null)
            {
                next = null!;
                return false;
            }

            _queue.RemoveFirst();
            next = first.Value;
            if (Conflation.KeyOf(next) is { } key)
            {
                _unread.Remove(key);
            }
            else
            {
                _others--;
            }

            return true;
        }
    }

    private void DropOldestOther()
    {
        for (var node = _queue.First; node is not null; node = node.Next)
        {
            if (Conflation.KeyOf(node.Value) is null)
            {
                _queue.Remove(node);
                _others--;
                Interlocked.Increment(ref _dropped);
                return;
            }
        }
    }
}

using TrackerEvents.Protocol;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// The messages waiting for one client, in order. State events are keyed by tracker: a newer state
/// replaces an unsent older one in place, so a stalled client holds at most one pending state per
/// tracker. Everything else (responses, errors, lifecycle and logout events, batch frames) queues up
/// to a limit; past it the client is too slow to keep (<see cref="Overflowed"/>). Not thread-safe: the owning
/// client locks around it.
/// </summary>
internal sealed class Outbox(int maxControlMessages)
{
    private readonly KeyedQueue<Payload> _queue = new();
    private int _control;

    public int Count => _queue.Count;

    /// <summary>A message was refused because the queue was full: the client must be dropped as too slow.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>The most messages (other than states) that may wait.</summary>
    public int Limit => maxControlMessages;

    /// <summary>Batch frames waiting: a stream does not build another while one of its frames waits.</summary>
    public int PendingBatches { get; private set; }

    /// <summary>Queues the latest state event of a tracker, replacing an unsent one.</summary>
    public void PutState(long trackerId, Payload payload) => _queue.Put(trackerId, payload);

    /// <summary>
    /// Queues a tracker's state at the end, dropping an unsent one: a subscribe's snapshot comes after its
    /// response, even when the same tracker's state (kept over a reconnect) still waits ahead of it.
    /// </summary>
    public void PutStateLast(long trackerId, Payload payload)
    {
        _queue.Remove(trackerId);
        _queue.Put(trackerId, payload);
    }

    /// <summary>Queues a message that is never replaced; false when the queue is full.</summary>
    public bool Add(Payload payload)
    {
        if (_control >= maxControlMessages)
        {
            Overflowed = true;
            return false;
        }

        _control++;
        if (payload.Kind == PayloadKind.Batch)
        {
            PendingBatches++;
        }

        _queue.Add(payload);
        return true;
    }

    public bool TryTake(out Payload payload)
    {
        if (!_queue.TryTake(out var key, out payload))
        {
            return false;
        }

        if (key is null)
        {
            _control--;
            if (payload.Kind == PayloadKind.Batch)
            {
                PendingBatches--;
            }
        }

        return true;
    }

    /// <summary>Drops a tracker's unsent state (it was unsubscribed).</summary>
    public void RemoveState(long trackerId) => _queue.Remove(trackerId);

    /// <summary>Drops everything (the client was released).</summary>
    public void Clear()
    {
        while (TryTake(out _))
        {
        }
    }
}

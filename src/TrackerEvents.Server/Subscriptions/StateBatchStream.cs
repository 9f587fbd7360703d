using TrackerEvents.Messages;
using TrackerEvents.Tracking;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// <c>state_batch</c>: one frame with the current states right after the response, then every
/// <c>rate_limit</c> the latest state of each tracker that changed (nothing when nothing changed), as
/// <c>source_state_event</c> items, and lifecycle changes as <c>lifecycle_event</c> items.
/// </summary>
internal sealed class StateBatchStream(TimeProvider time) : ISubscriptionStream
{
    public static readonly StreamKind Kind = new(new RequestShape("state_batch", TakesTrackerList: false, MaxTrackers: null), SnapshotSource.States,
        time => new StateBatchStream(time));

    private readonly Dictionary<long, StateWatch> _watches = [];

    // One entry per tracker (its latest state, already rendered); lifecycle items queue up unkeyed.
    private readonly KeyedQueue<PendingState> _pending = new();
    private readonly BatchPace _pace = new(ClientActionParser.DefaultRateLimit, time);

    /// <summary>Dates of <c>user_time</c> on the frames (the style of the latest subscribe).</summary>
    private DateStyle? _userTimeDates;

    public IReadOnlyCollection<long> Trackers => _watches.Keys;

    public TimeSpan FlushDue => _pending.Count > 0 ? _pace.Wait() : TimeSpan.MaxValue;

    public bool Watches(long trackerId) => _watches.ContainsKey(trackerId);

    public void Watch(IReadOnlyList<ResolvedTracker> trackers, WatchRequest request)
    {
        foreach (var tracker in trackers)
        {
            _watches[tracker.Id] = new StateWatch(request.SessionId, request.Format, request.Dates, tracker.Status == TrackerStatus.Blocked);
        }

        (_pace.RateLimit, _userTimeDates) = (request.RateLimit, request.Dates);
    }

    public void Unwatch(long trackerId, Outbox outbox)
    {
        _watches.Remove(trackerId);
        _pending.Remove(trackerId);
    }

    public void Forget(long trackerId) => _watches.Remove(trackerId);

    public IReadOnlyList<long> WatchedWith(long sessionId) => [.. _watches.Where(w => w.Value.SessionId == sessionId).Select(w => w.Key)];

    public void OnState(StateRendering state, Outbox outbox) => Put(state, redelivery: false);

    public void Redeliver(StateRendering state, Outbox outbox) => Put(state, redelivery: true);

    public bool OnLifecycle(LifecycleRendering lifecycle, Outbox outbox)
    {
        if (!_watches.TryGetValue(lifecycle.Change.TrackerId, out var watch))
        {
            return false;
        }

        _pending.Add(new PendingState(lifecycle.Item(watch.Dates), 0));
        watch.OnLifecycle(lifecycle.Change.Event);
        return lifecycle.Change.Event == "unblock";
    }

    public TimeSpan Flush(Outbox outbox) => _pending.Count == 0
        ? TimeSpan.MaxValue
        : _pace.Flush(outbox, () => EventFrames.BatchEvent(Kind.Type, [.. _pending.Drain().Select(p => p.Value.Item)], _userTimeDates, time.GetUtcNow()));

    /// <summary>One frame with the current state of each non-blocked tracker (sent even when it holds none).</summary>
    public void SendSnapshot(IReadOnlyList<long> trackerIds, Snapshot snapshot, Outbox outbox)
    {
        var items = new List<byte[]>();
        var wanted = trackerIds.ToHashSet();
        foreach (var state in snapshot.States)
        {
            if (wanted.Contains(state.TrackerId) && _watches.TryGetValue(state.TrackerId, out var watch) && watch.Accept(state.Version))
            {
                items.Add(state.BatchItem(watch.Format, watch.Dates));
                if (_pending.TryGet(state.TrackerId, out var pending) && pending.Version <= state.Version)
                {
                    _pending.Remove(state.TrackerId); // the snapshot already carries it
                }
            }
        }

        outbox.Add(EventFrames.BatchEvent(Kind.Type, items, _userTimeDates, snapshot.Now));
    }

    public void CollectSentAfter(long version, ISet<long> trackers)
    {
        foreach (var (id, watch) in _watches)
        {
            if (watch.LastVersion > version)
            {
                trackers.Add(id);
            }
        }
    }

    private void Put(StateRendering state, bool redelivery)
    {
        if (_watches.TryGetValue(state.TrackerId, out var watch) && watch.Accept(state.Version, redelivery))
        {
            _pending.Put(state.TrackerId, new PendingState(state.BatchItem(watch.Format, watch.Dates), state.Version));
        }
    }

    /// <summary>A tracker's state waiting for the next frame, already rendered (or a lifecycle item, at version 0).</summary>
    private readonly record struct PendingState(byte[] Item, long Version);
}

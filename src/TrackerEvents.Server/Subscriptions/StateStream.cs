using TrackerEvents.Messages;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// <c>state</c>: one event per tracker right after the response (the snapshot), then one per change, at
/// once. A newer state replaces an unsent older one in the outbox, so a stalled client holds at most one
/// state per tracker. Lifecycle changes are <c>lifecycle</c> events.
/// </summary>
internal sealed class StateStream : ISubscriptionStream
{
    public static readonly StreamKind Kind = new(new RequestShape("state", TakesTrackerList: true, MaxTrackers: null), SnapshotSource.States,
        _ => new StateStream());

    private readonly Dictionary<long, StateWatch> _watches = [];

    public IReadOnlyCollection<long> Trackers => _watches.Keys;

    public bool Watches(long trackerId) => _watches.ContainsKey(trackerId);

    public void Watch(IReadOnlyList<ResolvedTracker> trackers, WatchRequest request)
    {
        foreach (var tracker in trackers)
        {
            _watches[tracker.Id] = new StateWatch(request.SessionId, request.Format, request.Dates, tracker.Status == TrackerStatus.Blocked);
        }
    }

    public void Unwatch(long trackerId, Outbox outbox)
    {
        _watches.Remove(trackerId);
        outbox.RemoveState(trackerId);
    }

    public void Forget(long trackerId) => _watches.Remove(trackerId);

    public IReadOnlyList<long> WatchedWith(long sessionId) => [.. _watches.Where(w => w.Value.SessionId == sessionId).Select(w => w.Key)];

    public void OnState(StateRendering state, Outbox outbox) => Put(state, outbox, redelivery: false);

    public void Redeliver(StateRendering state, Outbox outbox) => Put(state, outbox, redelivery: true);

    public bool OnLifecycle(LifecycleRendering lifecycle, Outbox outbox)
    {
        if (!_watches.TryGetValue(lifecycle.Change.TrackerId, out var watch))
        {
            return false;
        }

        outbox.Add(lifecycle.Event(watch.Dates));
        watch.OnLifecycle(lifecycle.Change.Event);
        return lifecycle.Change.Event == "unblock";
    }

    /// <summary>One event per tracker, unless a newer one was already queued.</summary>
    public void SendSnapshot(IReadOnlyList<long> trackerIds, Snapshot snapshot, Outbox outbox)
    {
        var wanted = trackerIds.ToHashSet();
        foreach (var state in snapshot.States)
        {
            if (wanted.Contains(state.TrackerId))
            {
                Put(state, outbox, redelivery: false);
            }
        }
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

    private void Put(StateRendering state, Outbox outbox, bool redelivery)
    {
        if (_watches.TryGetValue(state.TrackerId, out var watch) && watch.Accept(state.Version, redelivery))
        {
            outbox.PutState(state.TrackerId, state.Event(watch.Format, watch.Dates));
        }
    }
}

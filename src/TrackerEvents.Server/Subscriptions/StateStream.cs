using TrackerEvents.Messages;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// <c>state</c>: one event per tracker right after the response (the snapshot), then one per change, at
/// once. A newer state replaces an unsent older one in the outbox, so a stalled client holds at most one
/// state per tracker. Lifecycle changes are <c>lifecycle</c> events.
/// </summary>
internal sealed class StateStream : SubscriptionStream<StateWatch>
{
    public static readonly StreamKind Kind = new(new RequestShape("state", TakesTrackerList: true, MaxTrackers: null), SnapshotSource.States,
        (_, _) => new StateStream());

    public override void Watch(IReadOnlyList<ResolvedTracker> trackers, WatchRequest request)
    {
        foreach (var tracker in trackers)
        {
            Watched[tracker.Id] = new StateWatch(request.SessionId, request.UserId, request.Format, request.Dates, tracker.Status == TrackerStatus.Blocked);
        }
    }

    public override void Unwatch(long trackerId, Outbox outbox)
    {
        Watched.Remove(trackerId);
        outbox.RemoveState(trackerId);
    }

    public override void OnState(StateRendering state, Outbox outbox) => Put(state, outbox, redelivery: false);

    public override void Redeliver(StateRendering state, Outbox outbox) => Put(state, outbox, redelivery: true);

    public override bool OnLifecycle(LifecycleRendering lifecycle, Outbox outbox)
    {
        if (!TryGetWatch(lifecycle.Change.TrackerId, lifecycle.Change.UserId, out var watch))
        {
            return false;
        }

        outbox.Add(lifecycle.Event(watch.Dates));
        watch.OnLifecycle(lifecycle.Change.Event);
        return lifecycle.Change.Event == "unblock";
    }

    /// <summary>One event per tracker after the response (an unsent one queued before it is dropped), unless a newer one was already queued.</summary>
    public override void SendSnapshot(IReadOnlyList<long> trackerIds, Snapshot snapshot, Outbox outbox)
    {
        var wanted = trackerIds.ToHashSet();
        foreach (var state in snapshot.States)
        {
            if (wanted.Contains(state.TrackerId))
            {
                Put(state, outbox, redelivery: false, afterResponse: true);
            }
        }
    }

    public override void CollectSentAfter(long version, ISet<long> trackers) => StateWatch.CollectSentAfter(Watched, version, trackers);

    /// <param name="afterResponse">A snapshot's state: queued at the end (<see cref="Outbox.PutStateLast"/>), not in the place of an unsent one.</param>
    private void Put(StateRendering state, Outbox outbox, bool redelivery, bool afterResponse = false)
    {
        if (TryGetWatch(state.TrackerId, state.UserId, out var watch) && watch.Accept(state.Version, redelivery))
        {
            var payload = state.Event(watch.Format, watch.Dates);
            if (afterResponse)
            {
                outbox.PutStateLast(state.TrackerId, payload);
            }
            else
            {
                outbox.PutState(state.TrackerId, payload);
            }
        }
    }
}

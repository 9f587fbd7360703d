using TrackerEvents.Messages;
using TrackerEvents.Protocol;
using TrackerEvents.Tracking;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// <c>state_batch</c>: one frame with the current states right after the response, then every
/// <c>rate_limit</c> the latest state of each tracker that changed (nothing when nothing changed), as
/// <c>source_state_event</c> items, and lifecycle changes as <c>lifecycle_event</c> items.
/// </summary>
internal sealed class StateBatchStream(TimeProvider time, BatchFrames frames, BatchPhase phase)
    : BatchStream<StateWatch, StateBatchStream.PendingState>(time, phase)
{
    public static readonly StreamKind Kind = new(new RequestShape("state_batch", TakesTrackerList: false, MaxTrackers: null), SnapshotSource.States,
        (services, phase) => new StateBatchStream(services.Time, services.Frames, phase));

    public override void Watch(IReadOnlyList<ResolvedTracker> trackers, WatchRequest request)
    {
        foreach (var tracker in trackers)
        {
            Watched[tracker.Id] = new StateWatch(request.SessionId, request.UserId, request.Format, request.Dates, tracker.Status == TrackerStatus.Blocked);
        }

        (Pace.RateLimit, UserTimeDates) = (request.RateLimit, request.Dates);
    }

    public override void OnState(StateRendering state, Outbox outbox) => Put(state, redelivery: false);

    public override void Redeliver(StateRendering state, Outbox outbox) => Put(state, redelivery: true);

    public override bool OnLifecycle(LifecycleRendering lifecycle, Outbox outbox)
    {
        if (!TryGetWatch(lifecycle.Change.TrackerId, lifecycle.Change.UserId, out var watch))
        {
            return false;
        }

        Queue(new PendingState(lifecycle.Item(watch.Dates), 0));
        watch.OnLifecycle(lifecycle.Change.Event);
        return lifecycle.Change.Event == "unblock";
    }

    /// <summary>One frame with the current state of each non-blocked tracker (sent even when it holds none).</summary>
    public override void SendSnapshot(IReadOnlyList<long> trackerIds, Snapshot snapshot, Outbox outbox)
    {
        var wanted = trackerIds.ToHashSet();
        var items = new List<byte[]>();
        foreach (var state in snapshot.States)
        {
            if (wanted.Contains(state.TrackerId) && TryGetWatch(state.TrackerId, state.UserId, out var watch) && watch.Accept(state.Version))
            {
                items.Add(state.BatchItem(watch.Format, watch.Dates));
                if (Pending.TryGet(state.TrackerId, out var pending) && pending.Version <= state.Version)
                {
                    Pending.Remove(state.TrackerId); // the snapshot already carries it
                }
            }
        }

        outbox.Add(EventFrames.BatchEvent(Kind.Type, items, UserTimeDates, snapshot.Now));
    }

    public override void CollectSentAfter(long version, ISet<long> trackers) => StateWatch.CollectSentAfter(Watched, version, trackers);

    protected override Payload? BuildFrame(List<(long? Key, PendingState Value)> waiting) =>
        frames.Frame(Kind.Type, [.. waiting.Select(p => p.Value.Item)], UserTimeDates);

    private void Put(StateRendering state, bool redelivery)
    {
        if (TryGetWatch(state.TrackerId, state.UserId, out var watch) && watch.Accept(state.Version, redelivery))
        {
            Queue(state.TrackerId, new PendingState(state.BatchItem(watch.Format, watch.Dates), state.Version));
        }
    }

    /// <summary>A tracker's state waiting for the next frame, already rendered (or a lifecycle item, at version 0).</summary>
    internal readonly record struct PendingState(byte[] Item, long Version);
}

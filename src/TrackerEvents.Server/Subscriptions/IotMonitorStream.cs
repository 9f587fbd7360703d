using TrackerEvents.Messages;
using TrackerEvents.Protocol;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// <c>iot_monitor</c> (Navixy's Data Stream Analyzer): each tracker's attribute history over its last
/// messages (<see cref="IotHistory"/>); one frame right after the subscribe, then the trackers that changed
/// every <c>rate_limit</c>. At most <see cref="MaxTrackers"/> trackers per connection. It has no lifecycle
/// items: a blocked tracker's values stop, and after unblock its current state is the next message.
/// </summary>
internal sealed class IotMonitorStream(TimeProvider time, BatchPhase phase) : BatchStream<IotMonitorStream.IotWatch, long>(time, phase)
{
    public const int MaxTrackers = 10;

    public static readonly StreamKind Kind = new(new RequestShape("iot_monitor", TakesTrackerList: false, MaxTrackers), SnapshotSource.States,
        (services, phase) => new IotMonitorStream(services.Time, phase));

    public override void Watch(IReadOnlyList<ResolvedTracker> trackers, WatchRequest request)
    {
        foreach (var tracker in trackers)
        {
            var blocked = tracker.Status == TrackerStatus.Blocked;
            if (Watched.TryGetValue(tracker.Id, out var watch) && watch.IsOwnedBy(request.UserId))
            {
                // A renewed watch keeps its history: the packet after the subscribe shows it again.
                (watch.SessionId, watch.Blocked) = (request.SessionId, blocked);
            }
            else
            {
                // New, or a tracker another user's session watched before on this connection: none of that history.
                Watched[tracker.Id] = new IotWatch(request.SessionId, request.UserId, blocked);
                Pending.Remove(tracker.Id);
            }
        }

        Pace.RateLimit = request.RateLimit;
    }

    /// <summary>Nothing of a forgotten tracker can go out: its history goes with its watch.</summary>
    public override void Forget(long trackerId)
    {
        Watched.Remove(trackerId);
        Pending.Remove(trackerId);
    }

    public override void OnState(StateRendering state, Outbox outbox)
    {
        if (TryGetWatch(state.TrackerId, state.UserId, out var watch) && !watch.Blocked && watch.History.Record(state.IotMessage, state.Version))
        {
            Queue(state.TrackerId, state.TrackerId);
        }
    }

    public override bool OnLifecycle(LifecycleRendering lifecycle, Outbox outbox)
    {
        if (!TryGetWatch(lifecycle.Change.TrackerId, lifecycle.Change.UserId, out var watch))
        {
            return false;
        }

        watch.Blocked = lifecycle.Change.Event == "block";
        return lifecycle.Change.Event == "unblock";
    }

    /// <summary>Each tracker's current state recorded as a message (unless a newer one already was), then one frame with these trackers.</summary>
    public override void SendSnapshot(IReadOnlyList<long> trackerIds, Snapshot snapshot, Outbox outbox)
    {
        var wanted = trackerIds.ToHashSet();
        foreach (var state in snapshot.States)
        {
            if (wanted.Contains(state.TrackerId) && TryGetWatch(state.TrackerId, state.UserId, out var watch) && !watch.Blocked)
            {
                watch.History.Record(state.IotMessage, state.Version);
            }
        }

        var trackers = new List<(long, IotHistory)>();
        foreach (var id in trackerIds)
        {
            if (Watched.TryGetValue(id, out var watch) && !watch.Blocked)
            {
                trackers.Add((id, watch.History));
                Pending.Remove(id); // the packet carries it
            }
        }

        outbox.Add(EventFrames.IotMonitorEvent(trackers));
    }

    protected override Payload? BuildFrame(List<(long? Key, long Value)> waiting)
    {
        var trackers = new List<(long, IotHistory)>();
        foreach (var (key, _) in waiting)
        {
            if (key is { } id && Watched.TryGetValue(id, out var watch))
            {
                trackers.Add((id, watch.History));
            }
        }

        return trackers.Count > 0 ? EventFrames.IotMonitorEvent(trackers) : null;
    }

    /// <summary>One tracker a client monitors, with its history.</summary>
    internal sealed class IotWatch(long sessionId, long ownerId, bool blocked) : TrackerWatch(sessionId, ownerId, blocked)
    {
        public IotHistory History { get; } = new();
    }
}

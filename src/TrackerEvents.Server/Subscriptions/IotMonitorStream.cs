using TrackerEvents.Messages;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// <c>iot_monitor</c> (Navixy's Data Stream Analyzer): each tracker's attribute history over its last
/// messages (<see cref="IotHistory"/>); one frame right after the subscribe, then the trackers that changed
/// every <c>rate_limit</c>. At most <see cref="MaxTrackers"/> trackers per connection. It has no lifecycle
/// items: a blocked tracker's values stop, and after unblock its current state is the next message.
/// </summary>
internal sealed class IotMonitorStream(TimeProvider time) : ISubscriptionStream
{
    public const int MaxTrackers = 10;

    public static readonly StreamKind Kind = new(new RequestShape("iot_monitor", TakesTrackerList: false, MaxTrackers), SnapshotSource.States,
        time => new IotMonitorStream(time));

    private readonly Dictionary<long, TrackerWatch> _watches = [];
    private readonly KeyedQueue<long> _pending = new();
    private readonly BatchPace _pace = new(ClientActionParser.DefaultRateLimit, time);

    public IReadOnlyCollection<long> Trackers => _watches.Keys;

    public TimeSpan FlushDue => _pending.Count > 0 ? _pace.Wait() : TimeSpan.MaxValue;

    public bool Watches(long trackerId) => _watches.ContainsKey(trackerId);

    public void Watch(IReadOnlyList<ResolvedTracker> trackers, WatchRequest request)
    {
        foreach (var tracker in trackers)
        {
            var blocked = tracker.Status == TrackerStatus.Blocked;
            if (_watches.TryGetValue(tracker.Id, out var watch))
            {
                // A renewed watch keeps its history: the packet after the subscribe shows it again.
                (watch.SessionId, watch.Blocked) = (request.SessionId, blocked);
            }
            else
            {
                _watches[tracker.Id] = new TrackerWatch(request.SessionId, blocked);
            }
        }

        _pace.RateLimit = request.RateLimit;
    }

    public void Unwatch(long trackerId, Outbox outbox) => Forget(trackerId);

    public void Forget(long trackerId)
    {
        _watches.Remove(trackerId);
        _pending.Remove(trackerId);
    }

    public IReadOnlyList<long> WatchedWith(long sessionId) => [.. _watches.Where(w => w.Value.SessionId == sessionId).Select(w => w.Key)];

    public void OnState(StateRendering state, Outbox outbox)
    {
        if (_watches.TryGetValue(state.TrackerId, out var watch) && !watch.Blocked && watch.History.Record(state.IotMessage, state.Version))
        {
            _pending.Put(state.TrackerId, state.TrackerId);
        }
    }

    public bool OnLifecycle(LifecycleRendering lifecycle, Outbox outbox)
    {
        if (!_watches.TryGetValue(lifecycle.Change.TrackerId, out var watch))
        {
            return false;
        }

        watch.Blocked = lifecycle.Change.Event == "block";
        return lifecycle.Change.Event == "unblock";
    }

    public TimeSpan Flush(Outbox outbox) => _pending.Count == 0 ? TimeSpan.MaxValue : _pace.Flush(outbox, () =>
    {
        var trackers = new List<(long, IotHistory)>();
        foreach (var (key, _) in _pending.Drain())
        {
            if (key is { } id && _watches.TryGetValue(id, out var watch))
            {
                trackers.Add((id, watch.History));
            }
        }

        return trackers.Count > 0 ? EventFrames.IotMonitorEvent(trackers) : null;
    });

    /// <summary>Each tracker's current state recorded as a message (unless a newer one already was), then one frame with these trackers.</summary>
    public void SendSnapshot(IReadOnlyList<long> trackerIds, Snapshot snapshot, Outbox outbox)
    {
        var wanted = trackerIds.ToHashSet();
        foreach (var state in snapshot.States)
        {
            if (wanted.Contains(state.TrackerId) && _watches.TryGetValue(state.TrackerId, out var watch) && !watch.Blocked)
            {
                watch.History.Record(state.IotMessage, state.Version);
            }
        }

        var trackers = new List<(long, IotHistory)>();
        foreach (var id in trackerIds)
        {
            if (_watches.TryGetValue(id, out var watch) && !watch.Blocked)
            {
                trackers.Add((id, watch.History));
                _pending.Remove(id); // the packet carries it
            }
        }

        outbox.Add(EventFrames.IotMonitorEvent(trackers));
    }

    /// <summary>One tracker a client monitors.</summary>
    private sealed class TrackerWatch(long sessionId, bool blocked)
    {
        public long SessionId { get; set; } = sessionId;

        public bool Blocked { get; set; } = blocked;

        public IotHistory History { get; } = new();
    }
}

using TrackerEvents.Messages;
using TrackerEvents.Tracking;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// <c>readings_batch</c>: one frame with every tracker's current readings right after the response, then
/// every <c>rate_limit</c> a <c>readings_event</c> per tracker holding only the items that changed, and
/// lifecycle changes as <c>lifecycle_event</c> items.
/// </summary>
internal sealed class ReadingsBatchStream(TimeProvider time) : ISubscriptionStream
{
    public static readonly StreamKind Kind = new(new RequestShape("readings_batch", TakesTrackerList: false, MaxTrackers: null), SnapshotSource.Readings,
        time => new ReadingsBatchStream(time));

    private readonly Dictionary<long, TrackerWatch> _watches = [];
    private readonly KeyedQueue<Pending> _pending = new();
    private readonly BatchPace _pace = new(ClientActionParser.DefaultRateLimit, time);

    public IReadOnlyCollection<long> Trackers => _watches.Keys;

    public TimeSpan FlushDue => _pending.Count > 0 ? _pace.Wait() : TimeSpan.MaxValue;

    public bool Watches(long trackerId) => _watches.ContainsKey(trackerId);

    public void Watch(IReadOnlyList<ResolvedTracker> trackers, WatchRequest request)
    {
        foreach (var tracker in trackers)
        {
            _watches[tracker.Id] = new TrackerWatch(request.SessionId, request.Filter, request.Dates, tracker.Status == TrackerStatus.Blocked);
        }

        _pace.RateLimit = request.RateLimit;
    }

    public void Unwatch(long trackerId, Outbox outbox)
    {
        _watches.Remove(trackerId);
        _pending.Remove(trackerId);
    }

    public void Forget(long trackerId) => _watches.Remove(trackerId);

    public IReadOnlyList<long> WatchedWith(long sessionId) => [.. _watches.Where(w => w.Value.SessionId == sessionId).Select(w => w.Key)];

    public void OnReading(ReadingChange change, DateTimeOffset now)
    {
        if (!_watches.TryGetValue(change.TrackerId, out var watch) || watch.Blocked)
        {
            return;
        }

        foreach (var id in change.Item.CompositeSensorIds)
        {
            watch.Components.Add(id);
        }

        if (!_pending.TryGet(change.TrackerId, out var pending))
        {
            pending = new Pending([], null);
            _pending.Put(change.TrackerId, pending);
        }

        pending.Items![(change.Item.Kind, change.Item.Key)] = change.Item;
        pending.Timestamp = now;
    }

    public bool OnLifecycle(LifecycleRendering lifecycle, Outbox outbox)
    {
        if (_watches.TryGetValue(lifecycle.Change.TrackerId, out var watch))
        {
            _pending.Add(new Pending(null, lifecycle.Item(watch.Dates)));
            watch.Blocked = lifecycle.Change.Event == "block";
        }

        return false;
    }

    public TimeSpan Flush(Outbox outbox) => _pending.Count == 0 ? TimeSpan.MaxValue : _pace.Flush(outbox, () =>
    {
        var items = new List<byte[]>();
        foreach (var (key, entry) in _pending.Drain())
        {
            if (entry.Lifecycle is { } lifecycle)
            {
                items.Add(lifecycle);
            }
            else if (key is { } id && _watches.TryGetValue(id, out var watch)
                && entry.Items!.Values.Where(i => watch.Filter.Includes(i, watch.Components)).ToList() is { Count: > 0 } changed)
            {
                items.Add(EventFrames.ReadingsItem(id, changed, watch.Dates, entry.Timestamp));
            }
        }

        return items.Count > 0 ? EventFrames.BatchEvent(Kind.Type, items, null, time.GetUtcNow()) : null;
    });

    /// <summary>One frame with every tracker's current readings.</summary>
    public void SendSnapshot(IReadOnlyList<long> trackerIds, Snapshot snapshot, Outbox outbox)
    {
        var items = new List<byte[]>();
        foreach (var id in trackerIds)
        {
            if (snapshot.Readings.TryGetValue(id, out var all) && _watches.TryGetValue(id, out var watch) && !watch.Blocked)
            {
                watch.Components.UnionWith(ReadingsFilter.ComponentIds(all));
                items.Add(EventFrames.ReadingsItem(id, all.Where(i => watch.Filter.Includes(i, watch.Components)), watch.Dates, snapshot.Now));
            }
        }

        outbox.Add(EventFrames.BatchEvent(Kind.Type, items, null, snapshot.Now));
    }

    /// <summary>One tracker watched with a <c>readings_batch</c> request.</summary>
    private sealed class TrackerWatch(long sessionId, ReadingsFilter filter, DateStyle dates, bool blocked)
    {
        public long SessionId { get; } = sessionId;

        public ReadingsFilter Filter { get; } = filter;

        public DateStyle Dates { get; } = dates;

        public bool Blocked { get; set; } = blocked;

        /// <summary>Sensor ids that are parts of composite sensors of this tracker (for <c>include_components: false</c>).</summary>
        public HashSet<long> Components { get; } = [];
    }

    /// <summary>What waits for the next frame: the changed items of one tracker, or a lifecycle item.</summary>
    private sealed class Pending(Dictionary<(ReadingKind, string), ReadingItem>? items, byte[]? lifecycle)
    {
        public Dictionary<(ReadingKind, string), ReadingItem>? Items { get; } = items;

        public byte[]? Lifecycle { get; } = lifecycle;

        public DateTimeOffset Timestamp { get; set; }
    }
}

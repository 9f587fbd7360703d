using TrackerEvents.Messages;
using TrackerEvents.Protocol;
using TrackerEvents.Tracking;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// <c>readings_batch</c>: one frame with every tracker's current readings right after the response, then
/// every <c>rate_limit</c> a <c>readings_event</c> per tracker holding only the items that changed, and
/// lifecycle changes as <c>lifecycle_event</c> items.
/// </summary>
internal sealed class ReadingsBatchStream(TimeProvider time, BatchPhase phase)
    : BatchStream<ReadingsBatchStream.ReadingsWatch, ReadingsBatchStream.PendingReadings>(time, phase)
{
    public static readonly StreamKind Kind = new(new RequestShape("readings_batch", TakesTrackerList: false, MaxTrackers: null), SnapshotSource.Readings,
        (services, phase) => new ReadingsBatchStream(services.Time, phase));

    public override void Watch(IReadOnlyList<ResolvedTracker> trackers, WatchRequest request)
    {
        foreach (var tracker in trackers)
        {
            Watched[tracker.Id] = new ReadingsWatch(request.SessionId, request.UserId, request.Filter, request.Dates, tracker.Status == TrackerStatus.Blocked);
        }

        (Pace.RateLimit, UserTimeDates) = (request.RateLimit, request.Dates);
    }

    public override void OnReading(ReadingChange change, DateTimeOffset now)
    {
        if (!TryGetWatch(change.TrackerId, change.UserId, out var watch) || watch.Blocked)
        {
            return;
        }

        foreach (var id in change.Item.CompositeSensorIds)
        {
            watch.Components.Add(id);
        }

        if (!Pending.TryGet(change.TrackerId, out var pending))
        {
            pending = new PendingReadings([], null);
            Queue(change.TrackerId, pending);
        }

        pending.Items![(change.Item.Kind, change.Item.Key)] = change.Item;
        pending.Timestamp = now;
    }

    public override bool OnLifecycle(LifecycleRendering lifecycle, Outbox outbox)
    {
        if (TryGetWatch(lifecycle.Change.TrackerId, lifecycle.Change.UserId, out var watch))
        {
            Queue(new PendingReadings(null, lifecycle.Item(watch.Dates)));
            watch.Blocked = lifecycle.Change.Event == "block";
        }

        return false;
    }

    /// <summary>One frame with every tracker's current readings.</summary>
    public override void SendSnapshot(IReadOnlyList<long> trackerIds, Snapshot snapshot, Outbox outbox)
    {
        var items = new List<byte[]>();
        foreach (var id in trackerIds)
        {
            if (snapshot.Readings.TryGetValue(id, out var all) && Watched.TryGetValue(id, out var watch) && !watch.Blocked)
            {
                watch.Components.UnionWith(ReadingsFilter.ComponentIds(all));
                items.Add(EventFrames.ReadingsItem(id, all, watch.Filter, watch.Components, watch.Dates, snapshot.Now));
            }
        }

        outbox.Add(EventFrames.BatchEvent(Kind.Type, items, UserTimeDates, snapshot.Now));
    }

    protected override Payload? BuildFrame(List<(long? Key, PendingReadings Value)> waiting)
    {
        var items = new List<byte[]>();
        foreach (var (key, entry) in waiting)
        {
            if (entry.Lifecycle is { } lifecycle)
            {
                items.Add(lifecycle);
            }
            else if (key is { } id && Watched.TryGetValue(id, out var watch)
                && entry.Items!.Values.Where(i => watch.Filter.Includes(i, watch.Components)).ToList() is { Count: > 0 } changed)
            {
                items.Add(EventFrames.ReadingsItem(id, changed, watch.Filter, watch.Components, watch.Dates, entry.Timestamp));
            }
        }

        return items.Count > 0 ? EventFrames.BatchEvent(Kind.Type, items, UserTimeDates, Time.GetUtcNow()) : null;
    }

    /// <summary>One tracker watched with a <c>readings_batch</c> request.</summary>
    internal sealed class ReadingsWatch(long sessionId, long ownerId, ReadingsFilter filter, DateStyle dates, bool blocked) : TrackerWatch(sessionId, ownerId, blocked)
    {
        public ReadingsFilter Filter { get; } = filter;

        public DateStyle Dates { get; } = dates;

        /// <summary>Sensor ids that are parts of composite sensors of this tracker (for <c>include_components: false</c>).</summary>
        public HashSet<long> Components { get; } = [];
    }

    /// <summary>What waits for the next frame: the changed items of one tracker, or a lifecycle item.</summary>
    internal sealed class PendingReadings(Dictionary<(ReadingKind, string), ReadingItem>? items, byte[]? lifecycle)
    {
        public Dictionary<(ReadingKind, string), ReadingItem>? Items { get; } = items;

        public byte[]? Lifecycle { get; } = lifecycle;

        public DateTimeOffset Timestamp { get; set; }
    }
}

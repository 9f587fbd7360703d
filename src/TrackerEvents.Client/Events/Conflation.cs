namespace TrackerEvents.Client;

/// <summary>
/// How two unread events of one kind become one, for a consumer that reads slower than events come: the
/// newer state of a tracker replaces the older; batches are merged into one with the latest state (or
/// reading, or iot values) of each tracker, lifecycle items kept in order. Nothing a consumer would act on
/// is lost: only states that a newer state of the same tracker supersedes.
/// </summary>
internal static class Conflation
{
    /// <summary>The key under which an unread event is merged with a newer one, or null for one that is never merged.</summary>
    public static Key? KeyOf(TrackerEvent e) => e switch
    {
        StateEvent state => new Key(EventNames.State, state.State.SourceId),
        StateBatchEvent => new Key(EventNames.StateBatch, 0),
        ReadingsBatchEvent => new Key(EventNames.ReadingsBatch, 0),
        IotMonitorEvent => new Key(EventNames.IotMonitor, 0),
        _ => null,
    };

    /// <summary>An event kind, and for <c>state</c> events the tracker.</summary>
    public readonly record struct Key(string Kind, long SourceId);

    public static TrackerEvent Merge(TrackerEvent older, TrackerEvent newer) => (older, newer) switch
    {
        (StateBatchEvent o, StateBatchEvent n) => Merge(o, n),
        (ReadingsBatchEvent o, ReadingsBatchEvent n) => Merge(o, n),
        (IotMonitorEvent o, IotMonitorEvent n) => Merge(o, n),
        _ => newer,
    };

    public static StateBatchEvent Merge(StateBatchEvent older, StateBatchEvent newer)
    {
        var states = LatestBy(older.States, newer.States, s => s.SourceId, (_, n) => n);
        // Its JSON is written only if the consumer asks for it (RawJson).
        return new StateBatchEvent(states, [.. older.Lifecycle, .. newer.Lifecycle], newer.UserTime ?? older.UserTime, default);
    }

    public static ReadingsBatchEvent Merge(ReadingsBatchEvent older, ReadingsBatchEvent newer)
    {
        var readings = LatestBy(older.Readings, newer.Readings, r => r.TrackerId, (o, n) => o with
        {
            Inputs = LatestBy(o.Inputs, n.Inputs, i => i.SensorId),
            States = LatestBy(o.States, n.States, s => s.Field),
            VirtualSensors = LatestBy(o.VirtualSensors, n.VirtualSensors, v => v.SensorId),
            Counters = LatestBy(o.Counters, n.Counters, c => c.Type),
            Timestamp = n.Timestamp ?? o.Timestamp,
        });
        return new ReadingsBatchEvent(readings, [.. older.Lifecycle, .. newer.Lifecycle], newer.UserTime ?? older.UserTime, default);
    }

    public static IotMonitorEvent Merge(IotMonitorEvent older, IotMonitorEvent newer)
    {
        // Each packet holds a tracker's whole recent history, so the newer one replaces it.
        return new IotMonitorEvent(LatestBy(older.Trackers, newer.Trackers, t => t.TrackerId, (_, n) => n), default);
    }

    private static List<T>? LatestBy<T, TKey>(IReadOnlyList<T>? older, IReadOnlyList<T>? newer, Func<T, TKey> key)
        where TKey : notnull =>
        older is null ? newer?.ToList() : newer is null ? [.. older] : LatestBy(older, newer, key, (_, n) => n);

    /// <summary>The older items with the newer ones of the same key combined into them, then the newer ones with new keys, in order.</summary>
    private static List<T> LatestBy<T, TKey>(IReadOnlyList<T> older, IReadOnlyList<T> newer, Func<T, TKey> key, Func<T, T, T> combine)
        where TKey : notnull
    {
        var result = new List<T>(older.Count + newer.Count);
        var index = new Dictionary<TKey, int>(older.Count + newer.Count);
        foreach (var item in older.Concat(newer))
        {
            if (index.TryGetValue(key(item), out var at))
            {
                result[at] = combine(result[at], item);
            }
            else
            {
                index[key(item)] = result.Count;
                result.Add(item);
            }
        }

        return result;
    }
}

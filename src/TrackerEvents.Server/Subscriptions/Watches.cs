using TrackerEvents.Connections;
using TrackerEvents.Tracking;

namespace TrackerEvents.Subscriptions;

/// <summary>One tracker a client watches with a <c>state</c> or <c>state_batch</c> request, and how it wants it rendered.</summary>
internal sealed class StateWatch(long sessionId, StateFormat format, DateStyle dates, bool blocked)
{
    /// <summary>The session whose hash made the subscription: when it ends, the watch ends.</summary>
    public long SessionId { get; set; } = sessionId;

    public StateFormat Format { get; set; } = format;

    public DateStyle Dates { get; set; } = dates;

    /// <summary>Blocked trackers get lifecycle events only; after <c>unblock</c> their state flows again.</summary>
    public bool Blocked { get; set; } = blocked;

    /// <summary>The newest state version queued for this client: an older one (a late snapshot) is never sent after it.</summary>
    public long LastVersion { get; set; }
}

/// <summary>One tracker a client watches with a <c>readings_batch</c> request.</summary>
internal sealed class ReadingsWatch(long sessionId, ReadingsFilter filter, DateStyle dates, bool blocked)
{
    public long SessionId { get; set; } = sessionId;

    public ReadingsFilter Filter { get; set; } = filter;

    public DateStyle Dates { get; set; } = dates;

    public bool Blocked { get; set; } = blocked;

    /// <summary>Sensor ids that are parts of composite sensors of this tracker (for <c>include_components: false</c>).</summary>
    public HashSet<long> Components { get; } = [];
}

/// <summary>
/// A batch stream (<c>state_batch</c> or <c>readings_batch</c>) of one client: successive subscribes add
/// trackers to it; changes gather in <see cref="Pending"/> (one entry per tracker) and go out as one
/// frame per <see cref="RateLimit"/>, nothing when nothing changed.
/// </summary>
internal sealed class BatchStream<TWatch, TPending>(TimeSpan rateLimit, DateStyle userTimeDates)
{
    public TimeSpan RateLimit { get; set; } = rateLimit;

    /// <summary>Dates of <c>user_time</c> on the batch frame (the style of the latest subscribe).</summary>
    public DateStyle UserTimeDates { get; set; } = userTimeDates;

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last flush.</summary>
    public long LastFlush { get; set; }

    public Dictionary<long, TWatch> Trackers { get; } = [];

    public KeyedQueue<TPending> Pending { get; } = new();
}

/// <summary>A tracker's state waiting in a <c>state_batch</c> stream, already rendered.</summary>
internal readonly record struct PendingState(byte[] Item, long Version);

/// <summary>What waits in a <c>readings_batch</c> stream: the changed items of one tracker, or a lifecycle item.</summary>
internal sealed class PendingReadings(Dictionary<(ReadingKind, string), ReadingItem>? items, byte[]? lifecycle)
{
    public Dictionary<(ReadingKind, string), ReadingItem>? Items { get; } = items;

    public byte[]? Lifecycle { get; } = lifecycle;

    public DateTimeOffset Timestamp { get; set; }
}

using TrackerEvents.Messages;
using TrackerEvents.Protocol;
using TrackerEvents.Tracking;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// The batch frames built in the last moments, shared by every connection whose frame would hold the same
/// items: a control room of 50 connections on the same 10,000 trackers built 50 frames of ~3.8 MB a second,
/// one per connection, all alike. Items are rendered once per change and shared (<see cref="StateRendering"/>),
/// so two connections that took the same changes hold the very same item arrays in the same order: a frame is
/// reused only when its items are those arrays (compared by reference), its event name and date style are the
/// same, and it was built at most <see cref="MaxAge"/> ago (its <c>user_time</c> is when it was built).
/// Connections of one phase flush on a common grid (<see cref="BatchPace"/>, <see cref="BatchPhase"/>) and in
/// turns with the dispatcher (<see cref="TimerWheel.Turn"/>), so that all frames due in one tick see the same changes.
/// </summary>
internal sealed class BatchFrames(TimeProvider time)
{
    /// <summary>How long a frame may be handed out again after it was built.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMilliseconds(100);

    private const int Kept = 4; // distinct frames of one tick: date styles, or connections that lag behind by a frame
    private readonly Entry?[] _entries = new Entry?[Kept];
    private readonly Lock _gate = new();
    private int _next;
    private long _built;
    private long _shared;

    /// <summary>Batch frames built.</summary>
    public long Built => Interlocked.Read(ref _built);

    /// <summary>Batch frames handed out again instead of being built (each saves a frame's bytes and its copy).</summary>
    public long Shared => Interlocked.Read(ref _shared);

    /// <summary>The <paramref name="eventName"/> frame of <paramref name="items"/>: a recent one with exactly these items, or a new one.</summary>
    public Payload Frame(string eventName, byte[][] items, DateStyle? userTimeDates)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            foreach (var entry in _entries)
            {
                if (entry is not null && entry.Matches(eventName, items, userTimeDates?.Key) && time.GetElapsedTime(entry.BuiltAt, now) <= MaxAge)
                {
                    _shared++;
                    return entry.Frame;
                }
            }
        }

        var frame = EventFrames.BatchEvent(eventName, items, userTimeDates, time.GetUtcNow());
        lock (_gate)
        {
            _entries[_next] = new Entry(eventName, userTimeDates?.Key, items, frame, now);
            _next = (_next + 1) % Kept;
            _built++;
        }

        return frame;
    }

    private sealed record Entry(string EventName, string? Dates, byte[][] Items, Payload Frame, long BuiltAt)
    {
        public bool Matches(string eventName, byte[][] items, string? dates)
        {
            if (items.Length != Items.Length || !string.Equals(eventName, EventName, StringComparison.Ordinal) ||
                !string.Equals(dates, Dates, StringComparison.Ordinal))
            {
                return false;
            }

            for (var i = 0; i < items.Length; i++)
            {
                if (!ReferenceEquals(items[i], Items[i]))
                {
                    return false;
                }
            }

            return true;
        }
    }
}

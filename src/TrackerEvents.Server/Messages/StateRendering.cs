using TrackerEvents.Protocol;
using TrackerEvents.Tracking;

namespace TrackerEvents.Messages;

/// <summary>
/// A state change, serialised at most once per format and date style and then shared by every
/// connection that needs that rendering (as a <c>state</c> event or as a <c>state_batch</c> item).
/// Used by one thread at a time (the dispatcher, or one subscribe's snapshot).
/// </summary>
internal sealed class StateRendering(long trackerId, long sourceId, TrackerState state, long version, DateTimeOffset now, long dispatchedAt = 0)
{
    private readonly Dictionary<(StateFormat, string), Payload> _events = [];
    private readonly Dictionary<(StateFormat, string), byte[]> _items = [];
    private IotMessage? _iotMessage;

    public long TrackerId { get; } = trackerId;

    public long Version { get; } = version;

    /// <summary>The change as an <c>iot_monitor</c> message, made on first use.</summary>
    public IotMessage IotMessage => _iotMessage ??= IotMessage.Of(state, now);

    /// <param name="dispatchedAt">When the change was routed (a timestamp, see <see cref="Payload.DispatchedAt"/>); 0 for a snapshot.</param>
    public static StateRendering Of(StateChange change, DateTimeOffset now, long dispatchedAt = 0) =>
        new(change.TrackerId, change.SourceId, change.State, change.Version, now, dispatchedAt);

    public Payload Event(StateFormat format, DateStyle dates)
    {
        var key = (format, dates.Key);
        if (!_events.TryGetValue(key, out var payload))
        {
            _events[key] = payload = EventFrames.StateEvent(state, sourceId, format, dates, now);
            payload.DispatchedAt = dispatchedAt;
        }

        return payload;
    }

    public byte[] BatchItem(StateFormat format, DateStyle dates)
    {
        var key = (format, dates.Key);
        if (!_items.TryGetValue(key, out var item))
        {
            _items[key] = item = EventFrames.StateBatchItem(state, sourceId, format, dates);
        }

        return item;
    }
}

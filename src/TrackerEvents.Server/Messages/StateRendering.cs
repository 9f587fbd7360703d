using TrackerEvents.Protocol;
using TrackerEvents.Tracking;

namespace TrackerEvents.Messages;

/// <summary>
/// A state change, serialised at most once per format and date style and then shared by every
/// connection that needs that rendering (as a <c>state</c> event or as a <c>state_batch</c> item).
/// Used by one thread at a time (the dispatcher, or one subscribe's snapshot). Nearly every change is
/// wanted in one rendering only: the first of each kind is kept in a field, and a dictionary is made only
/// for a second one (two dictionaries per change were most of what routing a change allocated).
/// </summary>
internal sealed class StateRendering(long trackerId, long userId, long sourceId, TrackerState state, long version, DateTimeOffset now, long dispatchedAt = 0)
{
    private Rendered<Payload> _events;
    private Rendered<byte[]> _items;
    private IotMessage? _iotMessage;

    public long TrackerId { get; } = trackerId;

    /// <summary>The tracker's owner as of this version: a watch made for another user does not take it.</summary>
    public long UserId { get; } = userId;

    public long Version { get; } = version;

    /// <summary>The change as an <c>iot_monitor</c> message, made on first use.</summary>
    public IotMessage IotMessage => _iotMessage ??= IotMessage.Of(state, now);

    /// <param name="dispatchedAt">When the change was routed (a timestamp, see <see cref="Payload.DispatchedAt"/>); 0 for a snapshot.</param>
    public static StateRendering Of(StateChange change, DateTimeOffset now, long dispatchedAt = 0) =>
        new(change.TrackerId, change.UserId, change.SourceId, change.State, change.Version, now, dispatchedAt);

    public Payload Event(StateFormat format, DateStyle dates)
    {
        if (!_events.TryGet(format, dates.Key, out var payload))
        {
            payload = EventFrames.StateEvent(state, sourceId, format, dates, now);
            payload.DispatchedAt = dispatchedAt;
            _events.Add(format, dates.Key, payload);
        }

        return payload;
    }

    public byte[] BatchItem(StateFormat format, DateStyle dates)
    {
        if (!_items.TryGet(format, dates.Key, out var item))
        {
            item = EventFrames.StateBatchItem(state, sourceId, format, dates);
            _items.Add(format, dates.Key, item);
        }

        return item;
    }

    /// <summary>Renderings by (format, date style): the first in fields, any further ones in a dictionary.</summary>
    private struct Rendered<T> where T : class
    {
        private (StateFormat Format, string Dates) _firstKey;
        private T? _first;
        private Dictionary<(StateFormat, string), T>? _more;

        public readonly bool TryGet(StateFormat format, string dates, out T value)
        {
            if (_first is not null && _firstKey.Format == format && string.Equals(_firstKey.Dates, dates, StringComparison.Ordinal))
            {
                value = _first;
                return true;
            }

            value = default!;
            return _more is not null && _more.TryGetValue((format, dates), out value!);
        }

        public void Add(StateFormat format, string dates, T value)
        {
            if (_first is null)
            {
                (_firstKey, _first) = ((format, dates), value);
            }
            else
            {
                (_more ??= [])[(format, dates)] = value;
            }
        }
    }
}

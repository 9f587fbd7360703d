using TrackerEvents.Protocol;
using TrackerEvents.Tracking;

namespace TrackerEvents.Messages;

/// <summary>A lifecycle change, serialised once per date style.</summary>
internal sealed class LifecycleRendering(LifecycleChange change)
{
    private readonly Dictionary<string, byte[]> _items = [];
    private readonly Dictionary<string, Payload> _events = [];

    public LifecycleChange Change { get; } = change;

    public byte[] Item(DateStyle dates)
    {
        if (!_items.TryGetValue(dates.Key, out var item))
        {
            _items[dates.Key] = item = EventFrames.LifecycleItem(Change, dates);
        }

        return item;
    }

    public Payload Event(DateStyle dates)
    {
        if (!_events.TryGetValue(dates.Key, out var payload))
        {
            _events[dates.Key] = payload = EventFrames.LifecycleEvent(Item(dates));
        }

        return payload;
    }
}

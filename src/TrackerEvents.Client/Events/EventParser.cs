using System.Text.Json;
using TrackerEvents.Client.Json;

namespace TrackerEvents.Client;

/// <summary>
/// Reads a server message: an event (typed by its name) or the answer to an action. Its <c>type</c> and
/// <c>event</c> are found first in one pass (fields come in any order), then the whole message is read once
/// by the generated serializer for that event.
/// </summary>
internal static class EventParser
{
    /// <summary>The event or the reply in <paramref name="json"/>, or neither for a message of another type.</summary>
    /// <exception cref="JsonException">Not JSON, or not the shape its event name says.</exception>
    public static (TrackerEvent? Event, Reply? Reply) Parse(byte[] json)
    {
        var (type, name) = Sniff(json);
        switch (type)
        {
            case "event":
                return (ReadEvent(name ?? "", json), null);
            case "response" or "error":
                var reply = JsonSerializer.Deserialize(json, ClientJson.Default.ReplyMessage)!;
                return (null, new Reply(type == "error", reply.Action, reply.Status?.Code ?? 0, reply.Status?.Description ?? "", reply.Data));
            default:
                return (null, null);
        }
    }

    private static TrackerEvent ReadEvent(string name, byte[] json)
    {
        var j = ClientJson.Default;
        switch (name)
        {
            case EventNames.State:
                var state = JsonSerializer.Deserialize(json, j.StateMessage)!;
                return new StateEvent(state.Data ?? throw new JsonException("A state event without data"), state.UserTime, json);
            case EventNames.StateBatch:
                var batch = JsonSerializer.Deserialize(json, j.StateBatchMessage)!;
                return StateBatch(batch, json);
            case EventNames.ReadingsBatch:
                var readings = JsonSerializer.Deserialize(json, j.ReadingsBatchMessage)!;
                return ReadingsBatch(readings, json);
            case EventNames.IotMonitor:
                var iot = JsonSerializer.Deserialize(json, j.IotMonitorMessage)!;
                return new IotMonitorEvent(iot.Data?.IotLastValues ?? [], json);
            case EventNames.Lifecycle:
                var lifecycle = JsonSerializer.Deserialize(json, j.LifecycleMessage)!;
                return new LifecycleEvent(lifecycle.Data ?? throw new JsonException("A lifecycle event without data"), json);
            case EventNames.Logout:
                var logout = JsonSerializer.Deserialize(json, j.ElementMessage)!;
                return new LogoutEvent(logout.Data.ValueKind == JsonValueKind.String ? logout.Data.GetString()! : logout.Data.ToString(), json);
            default:
                return new OtherEvent(name, json);
        }
    }

    private static StateBatchEvent StateBatch(StateBatchMessage message, byte[] json)
    {
        var states = new List<TrackerState>(message.Data?.Count ?? 0);
        List<LifecycleChange>? lifecycle = null;
        foreach (var item in message.Data ?? [])
        {
            switch (item.Type)
            {
                case "source_state_event" when item.State is not null:
                    states.Add(item.State);
                    break;
                case "lifecycle_event":
                    (lifecycle ??= []).Add(new LifecycleChange { SourceId = item.SourceId, LifecycleEvent = item.LifecycleEvent ?? "", Timestamp = item.Timestamp });
                    break;
                case null:
                    states.Add(item); // the published form: a bare state
                    break;
            }
        }

        return new StateBatchEvent(states, lifecycle ?? [], message.UserTime, json);
    }

    private static ReadingsBatchEvent ReadingsBatch(ReadingsBatchMessage message, byte[] json)
    {
        var readings = new List<TrackerReadings>(message.Data?.Count ?? 0);
        List<LifecycleChange>? lifecycle = null;
        foreach (var item in message.Data ?? [])
        {
            if (item.Type == "lifecycle_event")
            {
                (lifecycle ??= []).Add(new LifecycleChange { SourceId = item.SourceId ?? 0, LifecycleEvent = item.LifecycleEvent ?? "", Timestamp = item.Timestamp });
            }
            else
            {
                readings.Add(item);
            }
        }

        return new ReadingsBatchEvent(readings, lifecycle ?? [], message.UserTime, json);
    }

    /// <summary>The message's <c>type</c> and <c>event</c>, skipping over everything else.</summary>
    private static (string? Type, string? Event) Sniff(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A message is a JSON object");
        }

        string? type = null, name = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            var isEvent = !isType && reader.ValueTextEquals("event"u8);
            reader.Read();
            if ((isType || isEvent) && reader.TokenType == JsonTokenType.String)
            {
                if (isType)
                {
                    type = Known(ref reader);
                }
                else
                {
                    name = Known(ref reader);
                }

                if (type is not null && name is not null)
                {
                    break;
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return (type, name);
    }

    // The names that come in every message, without a string allocated for each.
    private static readonly string[] Names =
        ["event", "response", "error", EventNames.State, EventNames.StateBatch, EventNames.ReadingsBatch, EventNames.IotMonitor,
         EventNames.Lifecycle, EventNames.Logout];

    private static string Known(ref Utf8JsonReader reader)
    {
        foreach (var known in Names)
        {
            if (reader.ValueTextEquals(known))
            {
                return known;
            }
        }

        return reader.GetString()!;
    }
}

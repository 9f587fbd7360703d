using System.Buffers;
using System.Text;
using System.Text.Json;
using TrackerEvents.Protocol;
using TrackerEvents.Tracking;

namespace TrackerEvents.Messages;

/// <summary>The JSON messages of the Navixy WebSocket API: responses, errors and events. Pure functions.</summary>
internal static class EventFrames
{
    public static Payload Logout() => Build(w =>
    {
        w.WriteString("type", "event");
        w.WriteString("event", "logout");
        w.WriteString("data", "session closed");
    });

    /// <summary><c>{"type":"event","event":"state","user_time":..,"data":{state}}</c>.</summary>
    public static Payload StateEvent(TrackerState state, long sourceId, StateFormat format, DateStyle dates, DateTimeOffset now) => Build(w =>
    {
        w.WriteString("type", "event");
        w.WriteString("event", "state");
        dates.Write(w, "user_time", now);
        w.WritePropertyName("data");
        StateWriter.Write(w, state, sourceId, format, dates);
    });

    /// <summary>A <c>source_state_event</c> item of a <c>state_batch</c>.</summary>
    public static byte[] StateBatchItem(TrackerState state, long sourceId, StateFormat format, DateStyle dates) => Fragment(w =>
    {
        w.WriteStartObject();
        w.WriteString("type", "source_state_event");
        w.WritePropertyName("state");
        StateWriter.Write(w, state, sourceId, format, dates);
        w.WriteEndObject();
    });

    /// <summary>A <c>lifecycle_event</c> object: a batch item, and the <c>data</c> of a <c>lifecycle</c> event.</summary>
    public static byte[] LifecycleItem(LifecycleChange change, DateStyle dates) => Fragment(w =>
    {
        w.WriteStartObject();
        w.WriteString("type", "lifecycle_event");
        w.WriteNumber("source_id", change.SourceId);
        w.WriteString("lifecycle_event", change.Event);
        dates.Write(w, "timestamp", change.OccurredAt);
        w.WriteEndObject();
    });

    public static Payload LifecycleEvent(byte[] item) => Build(w =>
    {
        w.WriteString("type", "event");
        w.WriteString("event", "lifecycle");
        w.WritePropertyName("data");
        w.WriteRawValue(item, skipInputValidation: true);
    });

    /// <summary>A <c>readings_event</c> item: the given (changed) items of one tracker that pass the filter, in the arrays it sends.</summary>
    public static byte[] ReadingsItem(long trackerId, IEnumerable<ReadingItem> items, ReadingsFilter filter, IReadOnlySet<long> componentIds,
        DateStyle dates, DateTimeOffset timestamp) => Fragment(w =>
    {
        w.WriteStartObject();
        w.WriteString("type", "readings_event");
        w.WriteNumber("tracker_id", trackerId);
        filter.WriteArrays(w, items, componentIds, dates);
        dates.Write(w, "timestamp", timestamp);
        w.WriteEndObject();
    });

    /// <summary><c>{"type":"event","event":"iot_monitor","data":{"iot_last_values":[..]}}</c>, one item per tracker.</summary>
    public static Payload IotMonitorEvent(IReadOnlyList<(long TrackerId, IotHistory History)> trackers) => Build(w =>
    {
        w.WriteString("type", "event");
        w.WriteString("event", "iot_monitor");
        w.WriteStartObject("data");
        w.WriteStartArray("iot_last_values");
        foreach (var (id, history) in trackers)
        {
            history.Write(w, id);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }, PayloadKind.Batch);

    /// <summary>A <c>state_batch</c> or <c>readings_batch</c> event holding already rendered items.</summary>
    public static Payload BatchEvent(string eventName, IReadOnlyList<byte[]> items, DateStyle? userTimeDates, DateTimeOffset now)
    {
        // A batch can hold 10,000 items (megabytes): it is laid out once, behind room for its length
        // prefix, in one array of the exact size, rather than grown by doubling, copied out, and copied
        // again with the prefix (four large-object-heap arrays per frame, per client, per rate_limit).
        var envelope = Build(w =>
        {
            w.WriteString("type", "event");
            w.WriteString("event", eventName);
            userTimeDates?.Write(w, "user_time", now);
            w.WriteStartArray("data");
            w.WriteEndArray();
        }).Utf8.Span; // {"type":"event",...,"data":[]}: the items go between the last "[" and "]}"
        var head = envelope[..^2];
        var bytes = envelope.Length + Math.Max(0, items.Count - 1);
        var chars = Encoding.UTF8.GetCharCount(envelope) + Math.Max(0, items.Count - 1);
        foreach (var item in items)
        {
            bytes += item.Length;
            chars += Encoding.UTF8.GetCharCount(item);
        }

        var prefix = AtmosphereFraming.Prefix(chars);
        var framed = new byte[prefix.Length + bytes];
        var at = Encoding.ASCII.GetBytes(prefix, framed);
        head.CopyTo(framed.AsSpan(at));
        at += head.Length;
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                framed[at++] = (byte)',';
            }

            items[i].CopyTo(framed, at);
            at += items[i].Length;
        }

        "]}"u8.CopyTo(framed.AsSpan(at));
        return new Payload(framed, prefix.Length, chars, PayloadKind.Batch);
    }

    /// <summary>The response to a subscribe or unsubscribe: tracker statuses per request type, in the form the request used.</summary>
    public static Payload Response(string action, IReadOnlyList<(string Type, IReadOnlyList<(long Id, string Status)> Statuses)> results, bool legacy,
        bool legacyUnsubscribe) => Build(w =>
    {
        w.WriteString("type", "response");
        w.WriteString("action", action);
        w.WriteStartArray("events");
        foreach (var (type, _) in results)
        {
            w.WriteStringValue(type);
        }

        w.WriteEndArray();
        if (legacyUnsubscribe)
        {
            // Legacy unsubscribe answers with the tracker ids it was given.
            w.WriteStartArray("data");
            foreach (var id in results.SelectMany(r => r.Statuses).Select(s => s.Id).Distinct())
            {
                w.WriteNumberValue(id);
            }

            w.WriteEndArray();
            return;
        }

        w.WriteStartObject("data");
        foreach (var (type, statuses) in results)
        {
            w.WriteStartObject(type);
            if (!legacy)
            {
                w.WriteBoolean("success", true);
                w.WriteStartObject("value");
            }

            foreach (var (id, status) in statuses)
            {
                w.WriteString(id.ToString(System.Globalization.CultureInfo.InvariantCulture), status);
            }

            if (!legacy)
            {
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    });

    /// <summary><c>{"type":"error","action":..,"status":{"code","description"},"data":{..}}</c>.</summary>
    public static Payload Error(string action, ApiError error, Action<Utf8JsonWriter>? data = null) => Build(w =>
    {
        w.WriteString("type", "error");
        w.WriteString("action", action);
        w.WriteStartObject("status");
        w.WriteNumber("code", error.Code);
        w.WriteString("description", error.Description);
        w.WriteEndObject();
        if (data is not null)
        {
            w.WriteStartObject("data");
            data(w);
            w.WriteEndObject();
        }
    });

    /// <summary>
    /// Renders a message into a pooled buffer and lays it out once behind its length prefix, in one array of the
    /// exact size (<see cref="Payload.Framed"/>): a state event was a working buffer, a copy of it, and a second
    /// copy with the prefix for the connections that track message size.
    /// </summary>
    private static Payload Build(Action<Utf8JsonWriter> body, PayloadKind kind = PayloadKind.Message)
    {
        using var buffer = new PooledBuffer(1024);
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.Options))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Payload.Framed(buffer.WrittenSpan, kind);
    }

    private static byte[] Fragment(Action<Utf8JsonWriter> body)
    {
        using var buffer = new PooledBuffer(1024);
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.Options))
        {
            body(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}

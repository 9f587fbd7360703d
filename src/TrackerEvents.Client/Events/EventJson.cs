using System.Buffers;
using System.Text.Json;
using TrackerEvents.Client.Json;

namespace TrackerEvents.Client;

/// <summary>The JSON of a merged event, in the shape the server sends (wrapped batch items).</summary>
internal static class EventJson
{
    public static byte[] Write(StateBatchEvent e) => Write(EventNames.StateBatch, e.UserTime, writer =>
    {
        writer.WriteStartArray("data");
        foreach (var state in e.States)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "source_state_event");
            writer.WritePropertyName("state");
            JsonSerializer.Serialize(writer, state, ClientJson.Default.TrackerState);
            writer.WriteEndObject();
        }

        WriteLifecycle(writer, e.Lifecycle);
        writer.WriteEndArray();
    });

    public static byte[] Write(ReadingsBatchEvent e) => Write(EventNames.ReadingsBatch, e.UserTime, writer =>
    {
        writer.WriteStartArray("data");
        foreach (var readings in e.Readings)
        {
            var item = readings as ReadingsBatchItem ?? new ReadingsBatchItem
            {
                TrackerId = readings.TrackerId,
                Inputs = readings.Inputs,
                States = readings.States,
                VirtualSensors = readings.VirtualSensors,
                Counters = readings.Counters,
                Timestamp = readings.Timestamp,
                Extra = readings.Extra,
            };
            JsonSerializer.Serialize(writer, item with { Type = "readings_event" }, ClientJson.Default.ReadingsBatchItem);
        }

        WriteLifecycle(writer, e.Lifecycle);
        writer.WriteEndArray();
    });

    public static byte[] Write(IotMonitorEvent e) => Write(EventNames.IotMonitor, null, writer =>
    {
        writer.WriteStartObject("data");
        writer.WriteStartArray("iot_last_values");
        foreach (var tracker in e.Trackers)
        {
            JsonSerializer.Serialize(writer, tracker, ClientJson.Default.IotTrackerValues);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    private static void WriteLifecycle(Utf8JsonWriter writer, IReadOnlyList<LifecycleChange> lifecycle)
    {
        foreach (var change in lifecycle)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "lifecycle_event");
            writer.WriteNumber("source_id", change.SourceId);
            writer.WriteString("lifecycle_event", change.LifecycleEvent);
            if (change.Timestamp is { } timestamp)
            {
                writer.WritePropertyName("timestamp");
                JsonSerializer.Serialize(writer, timestamp, ClientJson.Default.DateTimeOffset);
            }

            writer.WriteEndObject();
        }
    }

    private static byte[] Write(string name, DateTimeOffset? userTime, Action<Utf8JsonWriter> data)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "event");
            writer.WriteString("event", name);
            if (userTime is { } time)
            {
                writer.WritePropertyName("user_time");
                JsonSerializer.Serialize(writer, time, ClientJson.Default.DateTimeOffset);
            }

            data(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

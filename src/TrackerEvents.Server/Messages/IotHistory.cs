using System.Text.Json;
using TrackerEvents.Tracking;

namespace TrackerEvents.Messages;

/// <summary>
/// What Navixy's Data Stream Analyzer (<c>iot_monitor</c>) shows of one tracker: the values of each
/// attribute over the last <see cref="Depth"/> messages, newest first, in two queues —
/// <c>nonnull_fields</c> (only messages that carried the attribute) and <c>all_fields</c> (a null where a
/// message lacked it). A message is a change of the tracker's state as one connection receives it; the
/// first is the state at subscribe time.
/// </summary>
internal sealed class IotHistory
{
    public const int Depth = 12;

    private static readonly DateStyle Dates = DateStyle.For(TimeZoneInfo.Utc, iso: true);
    private readonly Dictionary<string, List<IotValue>> _nonNull = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<IotValue>> _all = new(StringComparer.Ordinal);

    /// <summary>The newest state version recorded: an older or repeated one is not a new message.</summary>
    public long LastVersion { get; set; }

    /// <summary>Records a state (at <paramref name="version"/>) as the newest message, unless it is not newer than the last one.</summary>
    public bool Record(IotMessage message, long version)
    {
        if (version <= LastVersion)
        {
            return false;
        }

        LastVersion = version;
        foreach (var name in _all.Keys.Union(message.Attributes.Keys).ToList())
        {
            var value = new IotValue(message.Attributes.GetValueOrDefault(name), message.MessageTime, message.ServerTime);
            Push(_all, name, value);
            if (value.Json is not null)
            {
                Push(_nonNull, name, value);
            }
        }

        return true;
    }

    /// <summary>One item of <c>iot_last_values</c>: <c>{"tracker_id","nonnull_fields":{..},"all_fields":{..}}</c>.</summary>
    public void Write(Utf8JsonWriter writer, long trackerId)
    {
        writer.WriteStartObject();
        writer.WriteNumber("tracker_id", trackerId);
        WriteFields(writer, "nonnull_fields", _nonNull);
        WriteFields(writer, "all_fields", _all);
        writer.WriteEndObject();
    }

    private static void Push(Dictionary<string, List<IotValue>> queues, string name, IotValue value)
    {
        if (!queues.TryGetValue(name, out var queue))
        {
            queues[name] = queue = new List<IotValue>(Depth);
        }

        if (queue.Count == Depth)
        {
            queue.RemoveAt(Depth - 1);
        }

        queue.Insert(0, value);
    }

    private static void WriteFields(Utf8JsonWriter writer, string name, Dictionary<string, List<IotValue>> queues)
    {
        writer.WriteStartObject(name);
        foreach (var (attribute, values) in queues.OrderBy(q => q.Key, StringComparer.Ordinal))
        {
            writer.WriteStartArray(attribute);
            foreach (var value in values)
            {
                writer.WriteStartObject();
                Dates.Write(writer, "msg_time", value.MessageTime);
                Dates.Write(writer, "srv_time", value.ServerTime);
                writer.WritePropertyName("value");
                if (value.Json is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    writer.WriteRawValue(value.Json, skipInputValidation: true);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }
}

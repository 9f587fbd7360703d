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

    /// <summary>
    /// The attributes of a state, named as a device message would name them, as JSON; only those with a
    /// value (an attribute without one is missing from the message).
    /// </summary>
    internal static Dictionary<string, string> Attributes(TrackerState state)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string name, string? json)
        {
            if (json is not null)
            {
                attributes[name] = json;
            }
        }

        static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
        static string Text(string value) => JsonSerializer.Serialize(value);
        static string Bool(bool value) => value ? "true" : "false";

        var gps = state.Gps;
        if (gps.Location is { } location)
        {
            Add("latitude", Number(location.Lat));
            Add("longitude", Number(location.Lng));
        }

        if (gps.Updated is not null || gps.Location is not null)
        {
            // Speed, heading and altitude are numbers in every state (0 by default): they count as present
            // once the tracker has sent a fix.
            Add("speed", Number(gps.Speed));
            Add("heading", Number(gps.Heading));
            Add("altitude", Number(gps.Alt));
        }

        Add("gps_signal_level", gps.SignalLevel is { } signal ? Number(signal) : null);
        Add("hdop", gps.Precision is { } precision ? Number(precision) : null);
        Add("connection_status", Text(state.ConnectionStatus));
        Add("movement_status", Text(state.MovementStatus));
        Add("ignition", state.Ignition is { } ignition ? Bool(ignition) : null);
        Add("battery_level", state.BatteryLevel is { } battery ? Number(battery) : null);
        Add("gsm_signal_level", state.Gsm?.SignalLevel is { } gsm ? Number(gsm) : null);
        Add("gsm_network_name", state.Gsm?.NetworkName is { } network ? Text(network) : null);
        Add("gsm_roaming", state.Gsm?.Roaming is { } roaming ? Bool(roaming) : null);
        for (var i = 0; i < state.Inputs.Length; i++)
        {
            Add(string.Create(CultureInfo.InvariantCulture, $"input_{i + 1}"), Bool(state.Inputs[i]));
        }

        for (var i = 0; i < state.Outputs.Length; i++)
        {
            Add(string.Create(CultureInfo.InvariantCulture, $"output_{i + 1}"), Bool(state.Outputs[i]));
        }

        foreach (var (key, value) in state.Additional)
        {
            Add(key, value.Value is { } text ? Text(text) : null);
        }

        return attributes;
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

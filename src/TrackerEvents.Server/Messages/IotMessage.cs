using System.Globalization;
using System.Text.Json;
using TrackerEvents.Tracking;

namespace TrackerEvents.Messages;

/// <summary>
/// A state change as an <c>iot_monitor</c> message: its attributes as JSON and its times. Made once per
/// change (<see cref="StateRendering"/>) and recorded by every connection that monitors the tracker.
/// </summary>
internal sealed record IotMessage(IReadOnlyDictionary<string, string> Attributes, DateTimeOffset MessageTime, DateTimeOffset ServerTime)
{
    public static IotMessage Of(TrackerState state, DateTimeOffset now)
    {
        var server = state.LastUpdate ?? now;
        return new IotMessage(AttributesOf(state), state.Gps.Updated ?? server, server);
    }

    /// <summary>
    /// The attributes of a state, named as a device message would name them, as JSON; only those with a
    /// value (an attribute without one is missing from the message).
    /// </summary>
    public static Dictionary<string, string> AttributesOf(TrackerState state)
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
        // The fix's precision in metres, under its own name: it is not an HDOP, which states do not carry.
        Add("gps_precision", gps.Precision is { } precision ? Number(precision) : null);
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
}

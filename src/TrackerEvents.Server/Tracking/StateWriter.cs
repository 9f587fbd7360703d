using System.Text.Json;

namespace TrackerEvents.Tracking;

/// <summary>Writes a state as JSON: the canonical stored form, or the full or compact API form.</summary>
internal static class StateWriter
{
    /// <summary>The form the store keeps: every field, dates in UTC, no source id.</summary>
    public static string ToCanonicalJson(TrackerState state)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.Options))
        {
            WriteCanonical(writer, state);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The stored form (<see cref="ToCanonicalJson"/>) into a writer the caller reuses.</summary>
    public static void WriteCanonical(Utf8JsonWriter writer, TrackerState state) =>
        Write(writer, state, sourceId: null, StateFormat.Full, DateStyle.Canonical, canonical: true);

    /// <summary>The API form (full or compact field set, docs/protocol.md), as the value of the current property or array slot.</summary>
    public static void Write(Utf8JsonWriter writer, TrackerState state, long sourceId, StateFormat format, DateStyle dates) =>
        Write(writer, state, sourceId, format, dates, canonical: false);

    private static void Write(Utf8JsonWriter writer, TrackerState state, long? sourceId, StateFormat format, DateStyle dates, bool canonical)
    {
        var full = format == StateFormat.Full;
        writer.WriteStartObject();
        if (sourceId is { } id)
        {
            writer.WriteNumber("source_id", id);
        }

        WriteGps(writer, "gps", state.Gps, dates, canonical);
        writer.WriteString("connection_status", state.ConnectionStatus);
        writer.WriteString("movement_status", state.MovementStatus);
        dates.Write(writer, "movement_status_update", state.MovementStatusUpdate);
        if (state.Ignition is { } ignition)
        {
            writer.WriteBoolean("ignition", ignition);
            dates.Write(writer, "ignition_update", state.IgnitionUpdate);
        }
        else if (canonical)
        {
            writer.WriteNull("ignition");
            dates.Write(writer, "ignition_update", state.IgnitionUpdate);
        }

        if (full)
        {
            WriteGsm(writer, state.Gsm, dates);
        }

        dates.Write(writer, "last_update", state.LastUpdate);
        if (full)
        {
            WriteNullableInt(writer, "battery_level", state.BatteryLevel);
            dates.Write(writer, "battery_update", state.BatteryUpdate);
        }

        WriteBools(writer, "inputs", state.Inputs);
        dates.Write(writer, "inputs_update", state.InputsUpdate);
        WriteBools(writer, "outputs", state.Outputs);
        dates.Write(writer, "outputs_update", state.OutputsUpdate);
        if (full && (canonical || state.Additional.Count > 0))
        {
            writer.WriteStartObject("additional");
            foreach (var (key, value) in state.Additional)
            {
                writer.WriteStartObject(key);
                writer.WriteString("value", value.Value);
                dates.Write(writer, "updated", value.Updated);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        if (full)
        {
            dates.Write(writer, "actual_track_update", state.ActualTrackUpdate);
        }

        if (canonical && state.LastGpsFix is { } lastGpsFix)
        {
            WriteGps(writer, "last_gps_fix", lastGpsFix, dates, canonical);
        }

        writer.WriteEndObject();
    }

    private static void WriteGps(Utf8JsonWriter writer, string name, GpsState gps, DateStyle dates, bool canonical)
    {
        writer.WriteStartObject(name);
        dates.Write(writer, "updated", gps.Updated);
        WriteNullableInt(writer, "signal_level", gps.SignalLevel);
        if (gps.Location is { } location)
        {
            writer.WriteStartObject("location");
            writer.WriteNumber("lat", location.Lat);
            writer.WriteNumber("lng", location.Lng);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("location");
        }

        writer.WriteNumber("heading", gps.Heading);
        writer.WriteNumber("speed", gps.Speed);
        writer.WriteNumber("alt", gps.Alt);
        if (gps.Precision is not null || canonical)
        {
            WriteNullableInt(writer, "precision", gps.Precision);
        }

        if (gps.GsmLbs is { } lbs)
        {
            writer.WriteBoolean("gsm_lbs", lbs);
        }
        else if (canonical)
        {
            writer.WriteNull("gsm_lbs");
        }

        writer.WriteEndObject();
    }

    private static void WriteGsm(Utf8JsonWriter writer, GsmState? gsm, DateStyle dates)
    {
        if (gsm is null)
        {
            writer.WriteNull("gsm");
            return;
        }

        writer.WriteStartObject("gsm");
        dates.Write(writer, "updated", gsm.Updated);
        WriteNullableInt(writer, "signal_level", gsm.SignalLevel);
        writer.WriteString("network_name", gsm.NetworkName);
        if (gsm.Roaming is { } roaming)
        {
            writer.WriteBoolean("roaming", roaming);
        }
        else
        {
            writer.WriteNull("roaming");
        }

        writer.WriteEndObject();
    }

    private static void WriteNullableInt(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteBools(Utf8JsonWriter writer, string name, System.Collections.Immutable.ImmutableArray<bool> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteBooleanValue(value);
        }

        writer.WriteEndArray();
    }
}

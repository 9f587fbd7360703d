using System.Text.Json;

namespace TrackerEvents.Tracking;

/// <summary>Writes a state as JSON: the canonical stored form, or the full or compact API form.</summary>
internal static class StateWriter
{
    // Property names encoded once: a name given as a string is transcoded and checked for escapes at every write.
    private static readonly JsonEncodedText ActualTrackUpdate = JsonEncodedText.Encode("actual_track_update");
    private static readonly JsonEncodedText Additional = JsonEncodedText.Encode("additional");
    private static readonly JsonEncodedText Alt = JsonEncodedText.Encode("alt");
    private static readonly JsonEncodedText BatteryLevel = JsonEncodedText.Encode("battery_level");
    private static readonly JsonEncodedText BatteryUpdate = JsonEncodedText.Encode("battery_update");
    private static readonly JsonEncodedText ConnectionStatus = JsonEncodedText.Encode("connection_status");
    private static readonly JsonEncodedText Gps = JsonEncodedText.Encode("gps");
    private static readonly JsonEncodedText Gsm = JsonEncodedText.Encode("gsm");
    private static readonly JsonEncodedText GsmLbs = JsonEncodedText.Encode("gsm_lbs");
    private static readonly JsonEncodedText Heading = JsonEncodedText.Encode("heading");
    private static readonly JsonEncodedText Ignition = JsonEncodedText.Encode("ignition");
    private static readonly JsonEncodedText IgnitionUpdate = JsonEncodedText.Encode("ignition_update");
    private static readonly JsonEncodedText Inputs = JsonEncodedText.Encode("inputs");
    private static readonly JsonEncodedText InputsUpdate = JsonEncodedText.Encode("inputs_update");
    private static readonly JsonEncodedText LastGpsFix = JsonEncodedText.Encode("last_gps_fix");
    private static readonly JsonEncodedText LastUpdate = JsonEncodedText.Encode("last_update");
    private static readonly JsonEncodedText Lat = JsonEncodedText.Encode("lat");
    private static readonly JsonEncodedText Lng = JsonEncodedText.Encode("lng");
    private static readonly JsonEncodedText Location = JsonEncodedText.Encode("location");
    private static readonly JsonEncodedText MovementStatus = JsonEncodedText.Encode("movement_status");
    private static readonly JsonEncodedText MovementStatusUpdate = JsonEncodedText.Encode("movement_status_update");
    private static readonly JsonEncodedText NetworkName = JsonEncodedText.Encode("network_name");
    private static readonly JsonEncodedText Outputs = JsonEncodedText.Encode("outputs");
    private static readonly JsonEncodedText OutputsUpdate = JsonEncodedText.Encode("outputs_update");
    private static readonly JsonEncodedText Precision = JsonEncodedText.Encode("precision");
    private static readonly JsonEncodedText Roaming = JsonEncodedText.Encode("roaming");
    private static readonly JsonEncodedText SignalLevel = JsonEncodedText.Encode("signal_level");
    private static readonly JsonEncodedText SourceId = JsonEncodedText.Encode("source_id");
    private static readonly JsonEncodedText Speed = JsonEncodedText.Encode("speed");
    private static readonly JsonEncodedText Updated = JsonEncodedText.Encode("updated");
    private static readonly JsonEncodedText Value = JsonEncodedText.Encode("value");

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
            writer.WriteNumber(SourceId, id);
        }

        WriteGps(writer, Gps, state.Gps, dates, canonical);
        writer.WriteString(ConnectionStatus, state.ConnectionStatus);
        writer.WriteString(MovementStatus, state.MovementStatus);
        dates.Write(writer, MovementStatusUpdate, state.MovementStatusUpdate);
        if (state.Ignition is { } ignition)
        {
            writer.WriteBoolean(Ignition, ignition);
            dates.Write(writer, IgnitionUpdate, state.IgnitionUpdate);
        }
        else if (canonical)
        {
            writer.WriteNull(Ignition);
            dates.Write(writer, IgnitionUpdate, state.IgnitionUpdate);
        }

        if (full)
        {
            WriteGsm(writer, state.Gsm, dates);
        }

        dates.Write(writer, LastUpdate, state.LastUpdate);
        if (full)
        {
            WriteNullableInt(writer, BatteryLevel, state.BatteryLevel);
            dates.Write(writer, BatteryUpdate, state.BatteryUpdate);
        }

        WriteBools(writer, Inputs, state.Inputs);
        dates.Write(writer, InputsUpdate, state.InputsUpdate);
        WriteBools(writer, Outputs, state.Outputs);
        dates.Write(writer, OutputsUpdate, state.OutputsUpdate);
        if (full && (canonical || state.Additional.Count > 0))
        {
            writer.WriteStartObject(Additional);
            foreach (var (key, value) in state.Additional)
            {
                writer.WriteStartObject(key);
                writer.WriteString(Value, value.Value);
                dates.Write(writer, Updated, value.Updated);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        if (full)
        {
            dates.Write(writer, ActualTrackUpdate, state.ActualTrackUpdate);
        }

        if (canonical && state.LastGpsFix is { } lastGpsFix)
        {
            WriteGps(writer, LastGpsFix, lastGpsFix, dates, canonical);
        }

        writer.WriteEndObject();
    }

    private static void WriteGps(Utf8JsonWriter writer, JsonEncodedText name, GpsState gps, DateStyle dates, bool canonical)
    {
        writer.WriteStartObject(name);
        dates.Write(writer, Updated, gps.Updated);
        WriteNullableInt(writer, SignalLevel, gps.SignalLevel);
        if (gps.Location is { } location)
        {
            writer.WriteStartObject(Location);
            writer.WriteNumber(Lat, location.Lat);
            writer.WriteNumber(Lng, location.Lng);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull(Location);
        }

        writer.WriteNumber(Heading, gps.Heading);
        writer.WriteNumber(Speed, gps.Speed);
        writer.WriteNumber(Alt, gps.Alt);
        if (gps.Precision is not null || canonical)
        {
            WriteNullableInt(writer, Precision, gps.Precision);
        }

        if (gps.GsmLbs is { } lbs)
        {
            writer.WriteBoolean(GsmLbs, lbs);
        }
        else if (canonical)
        {
            writer.WriteNull(GsmLbs);
        }

        writer.WriteEndObject();
    }

    private static void WriteGsm(Utf8JsonWriter writer, GsmState? gsm, DateStyle dates)
    {
        if (gsm is null)
        {
            writer.WriteNull(Gsm);
            return;
        }

        writer.WriteStartObject(Gsm);
        dates.Write(writer, Updated, gsm.Updated);
        WriteNullableInt(writer, SignalLevel, gsm.SignalLevel);
        writer.WriteString(NetworkName, gsm.NetworkName);
        if (gsm.Roaming is { } roaming)
        {
            writer.WriteBoolean(Roaming, roaming);
        }
        else
        {
            writer.WriteNull(Roaming);
        }

        writer.WriteEndObject();
    }

    private static void WriteNullableInt(Utf8JsonWriter writer, JsonEncodedText name, int? value)
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

    private static void WriteBools(Utf8JsonWriter writer, JsonEncodedText name, System.Collections.Immutable.ImmutableArray<bool> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteBooleanValue(value);
        }

        writer.WriteEndArray();
    }
}

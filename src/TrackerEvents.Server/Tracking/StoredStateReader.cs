using System.Buffers;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using static TrackerEvents.Tracking.StoredGpsReader;
using static TrackerEvents.Tracking.Utf8FieldReader;

namespace TrackerEvents.Tracking;

/// <summary>
/// Reads the stored form that <see cref="StateWriter.WriteCanonical"/> writes straight from its UTF-8 bytes: one
/// pass of a <see cref="Utf8JsonReader"/>, the fields in locals, one state at the end. The lenient merge
/// (<see cref="StatePatch"/> over a parsed document) took ~3.3 µs a state, and a write reads every state it merges
/// into that is not remembered parsed. This reader gives up on anything the canonical form never holds (an unknown,
/// repeated or escaped field name, a wrong type, a number out of range, an unreadable date, an escaped status or date,
/// invalid JSON); the caller then reads the state the lenient way, which gives the same state for everything this one
/// reads. Dates in the other accepted forms are read here as there (<see cref="DateStyle.TryParse(ReadOnlySpan{byte}, out DateTimeOffset)"/>).
/// </summary>
internal static class StoredStateReader
{
    /// <summary>Reads a stored state; rows another program wrote badly read as far as they are valid.</summary>
    public static TrackerState Read(string json)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            return Read(rented.AsMemory(0, Encoding.UTF8.GetBytes(json, rented)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Reads a stored state from its UTF-8 bytes.</summary>
    public static TrackerState Read(ReadOnlyMemory<byte> json)
    {
        if (TryRead(json.Span, out var state))
        {
            return state;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return ReadLeniently(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return TrackerState.Initial; // not JSON, or a string in it not UTF-8 (a row another program wrote as bytes)
        }
    }

    /// <summary>Reads a stored state that is part of a parsed document.</summary>
    public static TrackerState Read(JsonElement json) =>
        TryRead(JsonMarshal.GetRawUtf8Value(json), out var state) ? state : ReadLeniently(json);

    /// <summary>The lenient reading: every valid field merged into the initial state, anything else left out.</summary>
    public static TrackerState ReadLeniently(JsonElement json) =>
        StatePatch.Apply(TrackerState.Initial, json, now: null, new FieldErrors(), "", strict: false);

    /// <summary>The canonical form only; false for anything else (see the class).</summary>
    public static bool TryRead(ReadOnlySpan<byte> json, [NotNullWhen(true)] out TrackerState? state)
    {
        state = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject || !TryReadState(ref reader, out state))
            {
                state = null;
                return false;
            }

            if (reader.Read())
            {
                state = null; // something after the object: the lenient reader refuses the whole text too
                return false;
            }

            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            state = null; // invalid JSON, or a string that is not valid UTF-8
            return false;
        }
    }

    private static bool TryReadState(ref Utf8JsonReader reader, [NotNullWhen(true)] out TrackerState? state)
    {
        state = null;
        var initial = TrackerState.Initial;
        GpsState gps = initial.Gps;
        GpsState? lastGpsFix = null;
        GsmState? gsm = null;
        string connection = initial.ConnectionStatus, movement = initial.MovementStatus;
        DateTimeOffset? movementUpdate = null, ignitionUpdate = null, lastUpdate = null, batteryUpdate = null, inputsUpdate = null,
            outputsUpdate = null, trackUpdate = null;
        bool? ignition = null;
        int? battery = null;
        ImmutableArray<bool> inputs = initial.Inputs, outputs = initial.Outputs;
        var additional = TrackerState.NoAdditional;
        var seen = 0;
        int next;
        while ((next = NextField(ref reader, static name => (int)FieldOf(name), ref seen)) > 0)
        {
            var ok = (Field)next switch
            {
                Field.Address => reader.TokenType == JsonTokenType.Number,
                Field.Gps => TryGps(ref reader, out gps),
                Field.ConnectionStatus => TryEnum(ref reader, TrackerState.ConnectionStatuses, out connection),
                Field.MovementStatus => TryEnum(ref reader, TrackerState.MovementStatuses, out movement),
                Field.MovementStatusUpdate => TryDate(ref reader, out movementUpdate),
                Field.Ignition => TryBool(ref reader, out ignition),
                Field.IgnitionUpdate => TryDate(ref reader, out ignitionUpdate),
                Field.Gsm => TryGsm(ref reader, out gsm),
                Field.LastUpdate => TryDate(ref reader, out lastUpdate),
                Field.BatteryLevel => TryInt(ref reader, 0, 100, out battery),
                Field.BatteryUpdate => TryDate(ref reader, out batteryUpdate),
                Field.Inputs => TryBools(ref reader, out inputs),
                Field.InputsUpdate => TryDate(ref reader, out inputsUpdate),
                Field.Outputs => TryBools(ref reader, out outputs),
                Field.OutputsUpdate => TryDate(ref reader, out outputsUpdate),
                Field.Additional => TryAdditional(ref reader, out additional),
                Field.ActualTrackUpdate => TryDate(ref reader, out trackUpdate),
                Field.LastGpsFix => TryGpsFix(ref reader, out lastGpsFix),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        if (next < 0 || reader.TokenType != JsonTokenType.EndObject)
        {
            return false;
        }

        state = new TrackerState
        {
            Gps = gps,
            ConnectionStatus = connection,
            MovementStatus = movement,
            MovementStatusUpdate = movementUpdate,
            Ignition = ignition,
            IgnitionUpdate = ignitionUpdate,
            Gsm = gsm,
            LastUpdate = lastUpdate,
            BatteryLevel = battery,
            BatteryUpdate = batteryUpdate,
            Inputs = inputs,
            InputsUpdate = inputsUpdate,
            Outputs = outputs,
            OutputsUpdate = outputsUpdate,
            Additional = additional,
            ActualTrackUpdate = trackUpdate,
            LastGpsFix = lastGpsFix,
        };
        return true;
    }

    private static bool TryGsm(ref Utf8JsonReader reader, out GsmState? gsm)
    {
        gsm = null;
        if (!IsNullOrObject(ref reader, out var isNull) || isNull)
        {
            return isNull;
        }

        DateTimeOffset? updated = null;
        int? signalLevel = null;
        string? networkName = null;
        bool? roaming = null;
        var seen = 0;
        int next;
        while ((next = NextField(ref reader, static name => name.SequenceEqual("updated"u8) ? 1 : name.SequenceEqual("signal_level"u8) ? 2
                   : name.SequenceEqual("network_name"u8) ? 3 : name.SequenceEqual("roaming"u8) ? 4 : 0, ref seen)) > 0)
        {
            var ok = next switch
            {
                1 => TryDate(ref reader, out updated),
                2 => TryInt(ref reader, 0, 100, out signalLevel),
                3 => TryString(ref reader, out networkName),
                _ => TryBool(ref reader, out roaming),
            };
            if (!ok)
            {
                return false;
            }
        }

        gsm = new GsmState(updated, signalLevel, networkName, roaming);
        return next == 0 && reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool TryAdditional(ref Utf8JsonReader reader, out ImmutableSortedDictionary<string, AdditionalValue> additional)
    {
        additional = TrackerState.NoAdditional;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var read = TrackerState.NoAdditional;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false; // the canonical form writes every entry as an object
            }

            string? text = null;
            DateTimeOffset? updated = null;
            var seen = 0;
            int next;
            while ((next = NextField(ref reader, static name => name.SequenceEqual("value"u8) ? 1 : name.SequenceEqual("updated"u8) ? 2 : 0,
                       ref seen)) > 0)
            {
                if (!(next == 1 ? TryScalarText(ref reader, out text) : TryDate(ref reader, out updated)))
                {
                    return false;
                }
            }

            if (next < 0 || reader.TokenType != JsonTokenType.EndObject || read.ContainsKey(key))
            {
                return false; // a key given twice: the lenient reader decides which one counts
            }

            read = read.Add(key, new AdditionalValue(text, updated)); // a state holds a few: cheaper than a builder
        }

        additional = read;
        return reader.TokenType == JsonTokenType.EndObject;
    }

    private enum Field
    {
        Unknown, Address, Gps, ConnectionStatus, MovementStatus, MovementStatusUpdate, Ignition, IgnitionUpdate, Gsm, LastUpdate,
        BatteryLevel, BatteryUpdate, Inputs, InputsUpdate, Outputs, OutputsUpdate, Additional, ActualTrackUpdate, LastGpsFix,
    }

    private static Field FieldOf(ReadOnlySpan<byte> name) => name.Length switch
    {
        3 => name.SequenceEqual("gps"u8) ? Field.Gps : name.SequenceEqual("gsm"u8) ? Field.Gsm : Field.Unknown,
        6 => name.SequenceEqual("inputs"u8) ? Field.Inputs : Field.Unknown,
        7 => name.SequenceEqual("outputs"u8) ? Field.Outputs : Field.Unknown,
        8 => name.SequenceEqual("ignition"u8) ? Field.Ignition : Field.Unknown,
        9 => name.SequenceEqual("source_id"u8) ? Field.Address : Field.Unknown,
        10 => name.SequenceEqual("additional"u8) ? Field.Additional : name.SequenceEqual("tracker_id"u8) ? Field.Address : Field.Unknown,
        11 => name.SequenceEqual("last_update"u8) ? Field.LastUpdate : Field.Unknown,
        12 => name.SequenceEqual("last_gps_fix"u8) ? Field.LastGpsFix : Field.Unknown,
        13 => name.SequenceEqual("battery_level"u8) ? Field.BatteryLevel : name.SequenceEqual("inputs_update"u8) ? Field.InputsUpdate : Field.Unknown,
        14 => name.SequenceEqual("battery_update"u8) ? Field.BatteryUpdate : name.SequenceEqual("outputs_update"u8) ? Field.OutputsUpdate : Field.Unknown,
        15 => name.SequenceEqual("movement_status"u8) ? Field.MovementStatus : name.SequenceEqual("ignition_update"u8) ? Field.IgnitionUpdate : Field.Unknown,
        17 => name.SequenceEqual("connection_status"u8) ? Field.ConnectionStatus : Field.Unknown,
        19 => name.SequenceEqual("actual_track_update"u8) ? Field.ActualTrackUpdate : Field.Unknown,
        22 => name.SequenceEqual("movement_status_update"u8) ? Field.MovementStatusUpdate : Field.Unknown,
        _ => Field.Unknown,
    };
}

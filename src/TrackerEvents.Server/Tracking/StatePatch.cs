using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace TrackerEvents.Tracking;

/// <summary>
/// Merges a JSON object with any subset of the state fields into a state. The same code reads the
/// canonical JSON the store keeps (lenient: unknown fields are skipped) and validates ingested
/// updates (strict: every unknown field or wrong type is reported with its path).
/// </summary>
/// <remarks>
/// When <c>now</c> is given (ingest), the time stamps that go with a changed value are set to
/// <c>now</c> unless the update carries them: <c>last_update</c> always, <c>gps.updated</c> with a
/// GPS fix, <c>gsm.updated</c>, <c>battery_update</c>, <c>ignition_update</c>,
/// <c>movement_status_update</c>, <c>inputs_update</c>, <c>outputs_update</c> and
/// <c>additional.*.updated</c>; <c>actual_track_update</c> follows the movement (<see cref="TrackUpdate"/>), and
/// the last GPS fix is kept while GSM LBS fixes follow it (<see cref="GpsPatch.LastGpsFix"/>).
/// </remarks>
internal static class StatePatch
{
    public static TrackerState Apply(TrackerState current, JsonElement patch, DateTimeOffset? now, FieldErrors errors, string path, bool strict)
    {
        if (patch.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path, "must be an object");
            return current;
        }

        var reader = new JsonFieldReader(errors, strict);
        var state = current;
        bool movementStamped = false, ignitionStamped = false, batteryStamped = false, inputsStamped = false,
            outputsStamped = false, lastUpdateGiven = false;
        bool movementChanged = false, ignitionChanged = false, batteryChanged = false, inputsChanged = false, outputsChanged = false;
        bool fixChanged = false, trackStamped = false;

        foreach (var property in patch.EnumerateObject())
        {
            var name = property.Name;
            var value = property.Value;
            var at = JsonFieldReader.Join(path, name);
            switch (name)
            {
                case "tracker_id" or "source_id":
                    break; // addressing, not state
                case "gps":
                    state = state with { Gps = GpsPatch.Apply(state.Gps, value, now, reader, at, out var newFix) };
                    fixChanged |= newFix;
                    break;
                case "connection_status":
                    state = state with { ConnectionStatus = reader.Enum(value, at, TrackerState.ConnectionStatuses) ?? state.ConnectionStatus };
                    break;
                case "movement_status":
                    var movement = reader.Enum(value, at, TrackerState.MovementStatuses) ?? state.MovementStatus;
                    movementChanged = movement != state.MovementStatus;
                    state = state with { MovementStatus = movement };
                    break;
                case "movement_status_update":
                    state = state with { MovementStatusUpdate = reader.Date(value, at, state.MovementStatusUpdate) };
                    movementStamped = true;
                    break;
                case "ignition":
                    var ignition = reader.NullableBool(value, at, state.Ignition);
                    ignitionChanged = ignition != state.Ignition;
                    state = state with { Ignition = ignition };
                    break;
                case "ignition_update":
                    state = state with { IgnitionUpdate = reader.Date(value, at, state.IgnitionUpdate) };
                    ignitionStamped = true;
                    break;
                case "gsm":
                    state = state with { Gsm = ApplyGsm(state.Gsm, value, now, reader, at) };
                    break;
                case "last_update":
                    state = state with { LastUpdate = reader.Date(value, at, state.LastUpdate) };
                    lastUpdateGiven = true;
                    break;
                case "battery_level":
                    var battery = reader.NullableInt(value, at, 0, 100, state.BatteryLevel);
                    batteryChanged = true;
                    state = state with { BatteryLevel = battery };
                    break;
                case "battery_update":
                    state = state with { BatteryUpdate = reader.Date(value, at, state.BatteryUpdate) };
                    batteryStamped = true;
                    break;
                case "inputs":
                    state = state with { Inputs = reader.Bools(value, at, state.Inputs) };
                    inputsChanged = true;
                    break;
                case "inputs_update":
                    state = state with { InputsUpdate = reader.Date(value, at, state.InputsUpdate) };
                    inputsStamped = true;
                    break;
                case "outputs":
                    state = state with { Outputs = reader.Bools(value, at, state.Outputs) };
                    outputsChanged = true;
                    break;
                case "outputs_update" or "ouputs_update":
                    state = state with { OutputsUpdate = reader.Date(value, at, state.OutputsUpdate) };
                    outputsStamped = true;
                    break;
                case "additional":
                    state = state with { Additional = ApplyAdditional(state.Additional, value, now, reader, at) };
                    break;
                case "actual_track_update":
                    state = state with { ActualTrackUpdate = reader.Date(value, at, state.ActualTrackUpdate) };
                    trackStamped = true;
                    break;
                case "last_gps_fix" when !strict:
                    // Kept by the server in the stored form only; an update cannot set it.
                    state = state with
                    {
                        LastGpsFix = value.ValueKind == JsonValueKind.Null ? null : GpsPatch.Apply(GpsState.Empty, value, null, reader, at, out _),
                    };
                    break;
                default:
                    reader.Unknown(at);
                    break;
            }
        }

        if (now is { } stamp)
        {
            state = state with
            {
                LastUpdate = lastUpdateGiven ? state.LastUpdate : stamp,
                MovementStatusUpdate = movementChanged && !movementStamped ? stamp : state.MovementStatusUpdate,
                IgnitionUpdate = ignitionChanged && !ignitionStamped ? stamp : state.IgnitionUpdate,
                BatteryUpdate = batteryChanged && !batteryStamped ? stamp : state.BatteryUpdate,
                InputsUpdate = inputsChanged && !inputsStamped ? stamp : state.InputsUpdate,
                OutputsUpdate = outputsChanged && !outputsStamped ? stamp : state.OutputsUpdate,
                LastGpsFix = GpsPatch.LastGpsFix(current.Gps, current.LastGpsFix, state.Gps),
            };
            state = trackStamped ? state : state with { ActualTrackUpdate = TrackUpdate(current, state, fixChanged, stamp) };
        }

        return state;
    }

    /// <summary>
    /// <c>actual_track_update</c>, "when the last track was updated, when the device last moved": each new fix
    /// while moving moves it to the fix's time, a start of movement to the moment it started, and a stop to the
    /// moment the movement ended; otherwise it stays.
    /// </summary>
    private static DateTimeOffset? TrackUpdate(TrackerState before, TrackerState after, bool fixChanged, DateTimeOffset stamp)
    {
        var moving = after.MovementStatus == "moving";
        var wasMoving = before.MovementStatus == "moving";
        if (moving && fixChanged)
        {
            return after.Gps.Updated ?? stamp;
        }

        return moving != wasMoving ? after.MovementStatusUpdate ?? stamp : after.ActualTrackUpdate;
    }

    private static GsmState? ApplyGsm(GsmState? gsm, JsonElement value, DateTimeOffset? now, JsonFieldReader reader, string path)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (!reader.Object(value, path))
        {
            return gsm;
        }

        var result = gsm ?? GsmState.Empty;
        var updatedGiven = false;
        foreach (var property in value.EnumerateObject())
        {
            var at = JsonFieldReader.Join(path, property.Name);
            var v = property.Value;
            switch (property.Name)
            {
                case "updated":
                    result = result with { Updated = reader.Date(v, at, result.Updated) };
                    updatedGiven = true;
                    break;
                case "signal_level":
                    result = result with { SignalLevel = reader.NullableInt(v, at, 0, 100, result.SignalLevel) };
                    break;
                case "network_name":
                    result = result with { NetworkName = reader.NullableString(v, at, result.NetworkName) };
                    break;
                case "roaming":
                    result = result with { Roaming = reader.NullableBool(v, at, result.Roaming) };
                    break;
                default:
                    reader.Unknown(at);
                    break;
            }
        }

        return !updatedGiven && now is { } stamp ? result with { Updated = stamp } : result;
    }

    private static ImmutableSortedDictionary<string, AdditionalValue> ApplyAdditional(
        ImmutableSortedDictionary<string, AdditionalValue> additional, JsonElement value, DateTimeOffset? now, JsonFieldReader reader, string path)
    {
        if (!reader.Object(value, path))
        {
            return additional;
        }

        foreach (var property in value.EnumerateObject())
        {
            var at = JsonFieldReader.Join(path, property.Name);
            var v = property.Value;
            switch (v.ValueKind)
            {
                case JsonValueKind.Null:
                    additional = additional.Remove(property.Name);
                    break;
                case JsonValueKind.Object:
                    string? text = null;
                    DateTimeOffset? updated = now;
                    foreach (var field in v.EnumerateObject())
                    {
                        var fieldAt = JsonFieldReader.Join(at, field.Name);
                        switch (field.Name)
                        {
                            case "value":
                                text = reader.ScalarText(field.Value, fieldAt);
                                break;
                            case "updated":
                                updated = reader.Date(field.Value, fieldAt, updated);
                                break;
                            default:
                                reader.Unknown(fieldAt);
                                break;
                        }
                    }

                    additional = additional.SetItem(property.Name, new AdditionalValue(text, updated));
                    break;
                default:
                    additional = additional.SetItem(property.Name, new AdditionalValue(reader.ScalarText(v, at), now));
                    break;
            }
        }

        return additional;
    }

}

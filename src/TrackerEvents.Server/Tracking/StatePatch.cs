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
    private static readonly PropertyNames Fields = new("tracker_id", "source_id", "gps", "connection_status", "movement_status",
        "movement_status_update", "ignition", "ignition_update", "gsm", "last_update", "battery_level", "battery_update", "inputs",
        "inputs_update", "outputs", "outputs_update", "ouputs_update", "additional", "actual_track_update", "last_gps_fix");

    private static readonly PropertyNames GsmFields = new("updated", "signal_level", "network_name", "roaming");

    private static readonly PropertyNames AdditionalFields = new("value", "updated");

    public static TrackerState Apply(TrackerState current, JsonElement patch, DateTimeOffset? now, FieldErrors errors, FieldPath path, bool strict)
    {
        if (patch.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path.ToString(), "must be an object");
            return current;
        }

        var reader = new JsonFieldReader(errors, strict);
        var state = new StateDraft(current);
        bool movementStamped = false, ignitionStamped = false, batteryStamped = false, inputsStamped = false,
            outputsStamped = false, lastUpdateGiven = false;
        bool movementChanged = false, ignitionChanged = false, batteryChanged = false, inputsChanged = false, outputsChanged = false;
        bool fixChanged = false, trackStamped = false;

        foreach (var property in patch.EnumerateObject())
        {
            var name = Fields.Of(property);
            var value = property.Value;
            var at = path.Child(name);
            switch (name)
            {
                case "tracker_id" or "source_id":
                    break; // addressing, not state
                case "gps":
                    state.Gps = GpsPatch.Apply(state.Gps, value, now, reader, at, out var newFix);
                    fixChanged |= newFix;
                    break;
                case "connection_status":
                    state.ConnectionStatus = reader.Enum(value, at, TrackerState.ConnectionStatuses) ?? state.ConnectionStatus;
                    break;
                case "movement_status":
                    var movement = reader.Enum(value, at, TrackerState.MovementStatuses) ?? state.MovementStatus;
                    movementChanged = movement != state.MovementStatus;
                    state.MovementStatus = movement;
                    break;
                case "movement_status_update":
                    state.MovementStatusUpdate = reader.Date(value, at, state.MovementStatusUpdate);
                    movementStamped = true;
                    break;
                case "ignition":
                    var ignition = reader.NullableBool(value, at, state.Ignition);
                    ignitionChanged = ignition != state.Ignition;
                    state.Ignition = ignition;
                    break;
                case "ignition_update":
                    state.IgnitionUpdate = reader.Date(value, at, state.IgnitionUpdate);
                    ignitionStamped = true;
                    break;
                case "gsm":
                    state.Gsm = ApplyGsm(state.Gsm, value, now, reader, at);
                    break;
                case "last_update":
                    state.LastUpdate = reader.Date(value, at, state.LastUpdate);
                    lastUpdateGiven = true;
                    break;
                case "battery_level":
                    state.BatteryLevel = reader.NullableInt(value, at, 0, 100, state.BatteryLevel);
                    batteryChanged = true;
                    break;
                case "battery_update":
                    state.BatteryUpdate = reader.Date(value, at, state.BatteryUpdate);
                    batteryStamped = true;
                    break;
                case "inputs":
                    state.Inputs = reader.Bools(value, at, state.Inputs);
                    inputsChanged = true;
                    break;
                case "inputs_update":
                    state.InputsUpdate = reader.Date(value, at, state.InputsUpdate);
                    inputsStamped = true;
                    break;
                case "outputs":
                    state.Outputs = reader.Bools(value, at, state.Outputs);
                    outputsChanged = true;
                    break;
                case "outputs_update" or "ouputs_update":
                    state.OutputsUpdate = reader.Date(value, at, state.OutputsUpdate);
                    outputsStamped = true;
                    break;
                case "additional":
                    state.Additional = ApplyAdditional(state.Additional, value, now, reader, at);
                    break;
                case "actual_track_update":
                    state.ActualTrackUpdate = reader.Date(value, at, state.ActualTrackUpdate);
                    trackStamped = true;
                    break;
                case "last_gps_fix" when !strict:
                    // Kept by the server in the stored form only; an update cannot set it.
                    state.LastGpsFix = value.ValueKind == JsonValueKind.Null ? null : GpsPatch.Apply(GpsState.Empty, value, null, reader, at, out _);
                    break;
                default:
                    reader.Unknown(at);
                    break;
            }
        }

        if (now is { } stamp)
        {
            state.LastUpdate = lastUpdateGiven ? state.LastUpdate : stamp;
            state.MovementStatusUpdate = movementChanged && !movementStamped ? stamp : state.MovementStatusUpdate;
            state.IgnitionUpdate = ignitionChanged && !ignitionStamped ? stamp : state.IgnitionUpdate;
            state.BatteryUpdate = batteryChanged && !batteryStamped ? stamp : state.BatteryUpdate;
            state.InputsUpdate = inputsChanged && !inputsStamped ? stamp : state.InputsUpdate;
            state.OutputsUpdate = outputsChanged && !outputsStamped ? stamp : state.OutputsUpdate;
            state.LastGpsFix = GpsPatch.LastGpsFix(current.Gps, current.LastGpsFix, state.Gps);
            state.ActualTrackUpdate = trackStamped ? state.ActualTrackUpdate : TrackUpdate(current, state, fixChanged, stamp);
        }

        return state.ToState();
    }

    /// <summary>
    /// <c>actual_track_update</c>, "when the last track was updated, when the device last moved": each new fix
    /// while moving moves it to the fix's time, a start of movement to the moment it started, and a stop to the
    /// moment the movement ended; otherwise it stays.
    /// </summary>
    private static DateTimeOffset? TrackUpdate(TrackerState before, in StateDraft after, bool fixChanged, DateTimeOffset stamp)
    {
        var moving = after.MovementStatus == "moving";
        var wasMoving = before.MovementStatus == "moving";
        if (moving && fixChanged)
        {
            return after.Gps.Updated ?? stamp;
        }

        return moving != wasMoving ? after.MovementStatusUpdate ?? stamp : after.ActualTrackUpdate;
    }

    private static GsmState? ApplyGsm(GsmState? gsm, JsonElement value, DateTimeOffset? now, JsonFieldReader reader, FieldPath path)
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
            var name = GsmFields.Of(property);
            var at = path.Child(name);
            var v = property.Value;
            switch (name)
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
        ImmutableSortedDictionary<string, AdditionalValue> additional, JsonElement value, DateTimeOffset? now, JsonFieldReader reader, FieldPath path)
    {
        if (!reader.Object(value, path))
        {
            return additional;
        }

        foreach (var property in value.EnumerateObject())
        {
            var key = property.Name;
            var at = path.Child(key);
            var v = property.Value;
            switch (v.ValueKind)
            {
                case JsonValueKind.Null:
                    additional = additional.Remove(key);
                    break;
                case JsonValueKind.Object:
                    string? text = null;
                    DateTimeOffset? updated = now;
                    foreach (var field in v.EnumerateObject())
                    {
                        var fieldName = AdditionalFields.Of(field);
                        var fieldAt = at.Child(fieldName);
                        switch (fieldName)
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

                    additional = additional.SetItem(key, new AdditionalValue(text, updated));
                    break;
                default:
                    additional = additional.SetItem(key, new AdditionalValue(reader.ScalarText(v, at), now));
                    break;
            }
        }

        return additional;
    }

}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace TrackerEvents.Client;

/// <summary>
/// A tracker's state ("source state"), as <c>tracker/get_state(s)</c> and the <c>state</c> and
/// <c>state_batch</c> events carry it. The compact format leaves some parts out (null here). Dates are read
/// with their offset (the client asks for ISO dates). Fields this type does not name are kept in
/// <see cref="Extra"/>.
/// </summary>
public record TrackerState
{
    /// <summary>The tracker's data source id; not the tracker id (<c>tracker/list</c> maps one to the other).</summary>
    public long SourceId { get; init; }

    /// <summary>The last position fix.</summary>
    public GpsState? Gps { get; init; }

    /// <summary><c>active</c>, <c>idle</c>, <c>offline</c>, <c>signal_lost</c>, <c>just_registered</c>, <c>just_replaced</c>.</summary>
    public string? ConnectionStatus { get; init; }

    /// <summary><c>moving</c>, <c>stopped</c> or <c>parked</c>.</summary>
    public string? MovementStatus { get; init; }

    /// <summary>When the movement status last changed.</summary>
    public DateTimeOffset? MovementStatusUpdate { get; init; }

    /// <summary>The ignition, where the device reports one.</summary>
    public bool? Ignition { get; init; }

    /// <summary>When the ignition last changed.</summary>
    public DateTimeOffset? IgnitionUpdate { get; init; }

    /// <summary>The mobile network, when the device reports it.</summary>
    public GsmState? Gsm { get; init; }

    /// <summary>The device's last update of any kind.</summary>
    public DateTimeOffset? LastUpdate { get; init; }

    /// <summary>Battery level in percent.</summary>
    public int? BatteryLevel { get; init; }

    /// <summary>When the battery level was reported.</summary>
    public DateTimeOffset? BatteryUpdate { get; init; }

    /// <summary>Digital inputs 1..n.</summary>
    public IReadOnlyList<bool>? Inputs { get; init; }

    /// <summary>When the inputs were reported.</summary>
    public DateTimeOffset? InputsUpdate { get; init; }

    /// <summary>Digital outputs 1..n.</summary>
    public IReadOnlyList<bool>? Outputs { get; init; }

    /// <summary>When the outputs were reported.</summary>
    public DateTimeOffset? OutputsUpdate { get; init; }

    /// <summary>Model-specific values (<c>hardware_key</c>, <c>event_code</c>, ...).</summary>
    public IReadOnlyDictionary<string, AdditionalValue>? Additional { get; init; }

    /// <summary>When the track was last updated (the tracker last moved).</summary>
    public DateTimeOffset? ActualTrackUpdate { get; init; }

    /// <summary>Fields of the state that this type does not name.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>The <c>gps</c> part of a state.</summary>
public sealed record GpsState
{
    /// <summary>When the position was last updated; null if never.</summary>
    public DateTimeOffset? Updated { get; init; }

    /// <summary>Signal level in percent.</summary>
    public int? SignalLevel { get; init; }

    /// <summary>The position.</summary>
    public GeoPoint? Location { get; init; }

    /// <summary>Heading in degrees.</summary>
    public double? Heading { get; init; }

    /// <summary>Speed in km/h.</summary>
    public double? Speed { get; init; }

    /// <summary>Altitude in metres.</summary>
    public double? Alt { get; init; }

    /// <summary>Precision in metres, where known.</summary>
    public double? Precision { get; init; }

    /// <summary>True when the position came from mobile cells (LBS), not satellites.</summary>
    public bool? GsmLbs { get; init; }
}

/// <summary>A latitude and longitude.</summary>
public sealed record GeoPoint(double Lat, double Lng);

/// <summary>The <c>gsm</c> part of a state.</summary>
public sealed record GsmState
{
    /// <summary>When it was reported.</summary>
    public DateTimeOffset? Updated { get; init; }

    /// <summary>Signal level in percent.</summary>
    public int? SignalLevel { get; init; }

    /// <summary>The network's name.</summary>
    public string? NetworkName { get; init; }

    /// <summary>Whether the device is roaming.</summary>
    public bool? Roaming { get; init; }
}

/// <summary>One value of a state's <c>additional</c> map.</summary>
public sealed record AdditionalValue
{
    /// <summary>The value (a string on the wire as Navixy sends it; kept as it came).</summary>
    public JsonElement? Value { get; init; }

    /// <summary>When it was reported.</summary>
    public DateTimeOffset? Updated { get; init; }
}

using System.Collections.Immutable;

namespace TrackerEvents.Tracking;

/// <summary>
/// The current state of a tracker's data source, as the Navixy API describes it (docs/protocol.md).
/// Immutable: one instance is shared by every reader and every connection that delivers it.
/// </summary>
internal sealed record TrackerState
{
    /// <summary>
    /// No additional values, keys compared ordinally: one instance for every state that has none (as an initializer of
    /// the property itself it was a new empty dictionary for every state made, even one whose values were then given).
    /// </summary>
    public static readonly ImmutableSortedDictionary<string, AdditionalValue> NoAdditional =
        ImmutableSortedDictionary.Create<string, AdditionalValue>(StringComparer.Ordinal);

    public static readonly TrackerState Initial = new();

    public GpsState Gps { get; init; } = GpsState.Empty;
    public string ConnectionStatus { get; init; } = "just_registered";
    public string MovementStatus { get; init; } = "parked";
    public DateTimeOffset? MovementStatusUpdate { get; init; }
    public bool? Ignition { get; init; }
    public DateTimeOffset? IgnitionUpdate { get; init; }
    public GsmState? Gsm { get; init; }
    public DateTimeOffset? LastUpdate { get; init; }
    public int? BatteryLevel { get; init; }
    public DateTimeOffset? BatteryUpdate { get; init; }
    public ImmutableArray<bool> Inputs { get; init; } = [];
    public DateTimeOffset? InputsUpdate { get; init; }
    public ImmutableArray<bool> Outputs { get; init; } = [];
    public DateTimeOffset? OutputsUpdate { get; init; }
    public ImmutableSortedDictionary<string, AdditionalValue> Additional { get; init; } = NoAdditional;
    public DateTimeOffset? ActualTrackUpdate { get; init; }

    /// <summary>
    /// The last fix located by GPS, kept while the current location comes from GSM LBS (null otherwise: the
    /// current fix is then the last GPS one). Stored, never part of an API state.
    /// </summary>
    public GpsState? LastGpsFix { get; init; }

    /// <summary>The last point located by GPS, GSM LBS points left out; null if the tracker never sent one.</summary>
    public GpsState? LastGpsPoint => Gps.GsmLbs == true ? LastGpsFix : Gps.Location is null ? null : Gps;

    public static readonly ImmutableArray<string> ConnectionStatuses =
        ["signal_lost", "just_registered", "just_replaced", "offline", "idle", "active"];

    public static readonly ImmutableArray<string> MovementStatuses = ["moving", "stopped", "parked"];
}

internal sealed record GpsState(
    DateTimeOffset? Updated,
    int? SignalLevel,
    GeoPoint? Location,
    int Heading,
    int Speed,
    int Alt,
    int? Precision,
    bool? GsmLbs)
{
    public static readonly GpsState Empty = new(null, null, null, 0, 0, 0, null, null);
}

internal readonly record struct GeoPoint(double Lat, double Lng);

internal sealed record GsmState(DateTimeOffset? Updated, int? SignalLevel, string? NetworkName, bool? Roaming)
{
    public static readonly GsmState Empty = new(null, null, null, null);
}

internal sealed record AdditionalValue(string? Value, DateTimeOffset? Updated);

/// <summary>Which field set a state is rendered with (full, or the compact subset; docs/protocol.md).</summary>
internal enum StateFormat
{
    Full,
    Compact,
}

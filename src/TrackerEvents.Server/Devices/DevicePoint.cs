using TrackerEvents.Tracking;

namespace TrackerEvents.Devices;

/// <summary>
/// One point as a device reported it, whatever the protocol: validated, in the state's units (km/h,
/// degrees, metres, percent). A value the device did not send is null.
/// </summary>
internal sealed record DevicePoint(string DeviceId)
{
    /// <summary>When the device took the point; null: when the server received it.</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>The device's own verdict on its position (<c>valid</c>); a 0,0 position counts as invalid too.</summary>
    public bool Valid { get; init; } = true;

    public GeoPoint? Position { get; init; }

    public double? SpeedKmh { get; init; }

    public double? Heading { get; init; }

    public double? Altitude { get; init; }

    /// <summary>Horizontal accuracy in metres.</summary>
    public double? Accuracy { get; init; }

    public double? BatteryPercent { get; init; }

    public bool? Ignition { get; init; }

    /// <summary>The device's own motion detection (Traccar Client's <c>is_moving</c>).</summary>
    public bool? IsMoving { get; init; }

    /// <summary>Everything else the device sent, kept as <c>additional.&lt;key&gt;</c>, in the order sent.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Additional { get; init; } = [];

    /// <summary>True when the point carries a position to store: valid, and not 0,0.</summary>
    public bool HasFix => Valid && Position is { } p && !(p.Lat == 0 && p.Lng == 0);
}

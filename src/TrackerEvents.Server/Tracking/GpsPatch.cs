using System.Text.Json;

namespace TrackerEvents.Tracking;

/// <summary>
/// The <c>gps</c> part of a state update (<see cref="StatePatch"/>), and the last fix located by GPS that a
/// state keeps while its current location comes from GSM LBS (<c>tracker/get_last_gps_point</c> leaves LBS
/// points out).
/// </summary>
internal static class GpsPatch
{
    /// <summary>
    /// Merges an update's <c>gps</c> object into <paramref name="gps"/>. <paramref name="fixChanged"/>: the
    /// update carried a new fix (location, heading, speed or altitude); then <c>updated</c> is set to
    /// <paramref name="now"/> (ingest) unless the update carries it.
    /// </summary>
    private static readonly PropertyNames Fields = new("updated", "signal_level", "location", "lat", "lng", "heading", "speed", "alt",
        "precision", "gsm_lbs");

    public static GpsState Apply(GpsState gps, JsonElement value, DateTimeOffset? now, JsonFieldReader reader, FieldPath path, out bool fixChanged)
    {
        fixChanged = false;
        if (!reader.Object(value, path))
        {
            return gps;
        }

        // The fields in locals, one GpsState at the end (a "with" per field copied it every time).
        var (updated, signalLevel, location, heading, speed, alt, precision, gsmLbs) = gps;
        var updatedGiven = false;
        foreach (var property in value.EnumerateObject())
        {
            var name = Fields.Of(property);
            var at = path.Child(name);
            var v = property.Value;
            switch (name)
            {
                case "updated":
                    updated = reader.Date(v, at, updated);
                    updatedGiven = true;
                    break;
                case "signal_level":
                    signalLevel = reader.NullableInt(v, at, 0, 100, signalLevel);
                    break;
                case "location":
                    location = reader.Location(v, at, location);
                    fixChanged = true;
                    break;
                case "lat" or "lng":
                    // The published field list puts lat/lng directly under gps; accept that form too.
                    var point = location ?? new GeoPoint(0, 0);
                    var number = reader.Number(v, at, name == "lat" ? -90 : -180, name == "lat" ? 90 : 180);
                    if (number is { } n)
                    {
                        location = name == "lat" ? point with { Lat = n } : point with { Lng = n };
                    }

                    fixChanged = true;
                    break;
                case "heading":
                    heading = reader.NullableInt(v, at, 0, 360, heading) ?? 0;
                    fixChanged = true;
                    break;
                case "speed":
                    speed = reader.NullableInt(v, at, 0, 10_000, speed) ?? 0;
                    fixChanged = true;
                    break;
                case "alt":
                    alt = reader.NullableInt(v, at, -100_000, 100_000, alt) ?? 0;
                    fixChanged = true;
                    break;
                case "precision":
                    precision = reader.NullableInt(v, at, 0, int.MaxValue, precision);
                    break;
                case "gsm_lbs":
                    gsmLbs = reader.NullableBool(v, at, gsmLbs);
                    break;
                default:
                    reader.Unknown(at);
                    break;
            }
        }

        if (fixChanged && !updatedGiven && now is { } stamp)
        {
            updated = stamp;
        }

        return new GpsState(updated, signalLevel, location, heading, speed, alt, precision, gsmLbs);
    }

    /// <summary>
    /// The last GPS fix a state keeps after an update from <paramref name="before"/> to <paramref name="after"/>:
    /// none while the current fix is a GPS one (it is the last), the replaced fix when an LBS fix follows a GPS
    /// one, and the one kept so far while LBS fixes follow each other.
    /// </summary>
    public static GpsState? LastGpsFix(GpsState before, GpsState? keptBefore, GpsState after) =>
        after.GsmLbs != true ? null
        : before.GsmLbs != true && before.Location is not null ? before
        : keptBefore;
}

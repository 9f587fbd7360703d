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
    public static GpsState Apply(GpsState gps, JsonElement value, DateTimeOffset? now, JsonFieldReader reader, string path, out bool fixChanged)
    {
        fixChanged = false;
        if (!reader.Object(value, path))
        {
            return gps;
        }

        var updatedGiven = false;
        foreach (var property in value.EnumerateObject())
        {
            var at = JsonFieldReader.Join(path, property.Name);
            var v = property.Value;
            switch (property.Name)
            {
                case "updated":
                    gps = gps with { Updated = reader.Date(v, at, gps.Updated) };
                    updatedGiven = true;
                    break;
                case "signal_level":
                    gps = gps with { SignalLevel = reader.NullableInt(v, at, 0, 100, gps.SignalLevel) };
                    break;
                case "location":
                    gps = gps with { Location = reader.Location(v, at, gps.Location) };
                    fixChanged = true;
                    break;
                case "lat" or "lng":
                    // The published field list puts lat/lng directly under gps; accept that form too.
                    var point = gps.Location ?? new GeoPoint(0, 0);
                    var number = reader.Number(v, at, property.Name == "lat" ? -90 : -180, property.Name == "lat" ? 90 : 180);
                    if (number is { } n)
                    {
                        gps = gps with { Location = property.Name == "lat" ? point with { Lat = n } : point with { Lng = n } };
                    }

                    fixChanged = true;
                    break;
                case "heading":
                    gps = gps with { Heading = reader.NullableInt(v, at, 0, 360, gps.Heading) ?? 0 };
                    fixChanged = true;
                    break;
                case "speed":
                    gps = gps with { Speed = reader.NullableInt(v, at, 0, 10_000, gps.Speed) ?? 0 };
                    fixChanged = true;
                    break;
                case "alt":
                    gps = gps with { Alt = reader.NullableInt(v, at, -100_000, 100_000, gps.Alt) ?? 0 };
                    fixChanged = true;
                    break;
                case "precision":
                    gps = gps with { Precision = reader.NullableInt(v, at, 0, int.MaxValue, gps.Precision) };
                    break;
                case "gsm_lbs":
                    gps = gps with { GsmLbs = reader.NullableBool(v, at, gps.GsmLbs) };
                    break;
                default:
                    reader.Unknown(at);
                    break;
            }
        }

        return fixChanged && !updatedGiven && now is { } stamp ? gps with { Updated = stamp } : gps;
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

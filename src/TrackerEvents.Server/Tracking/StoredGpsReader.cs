using System.Text.Json;
using static TrackerEvents.Tracking.Utf8FieldReader;

namespace TrackerEvents.Tracking;

/// <summary>The <c>gps</c> and <c>last_gps_fix</c> objects of a stored state, for <see cref="StoredStateReader"/>.</summary>
internal static class StoredGpsReader
{
    public static bool TryGpsFix(ref Utf8JsonReader reader, out GpsState? gps)
    {
        gps = null;
        if (!IsNullOrObject(ref reader, out var isNull) || isNull)
        {
            return isNull;
        }

        var ok = TryGps(ref reader, out var read);
        gps = read;
        return ok;
    }

    public static bool TryGps(ref Utf8JsonReader reader, out GpsState gps)
    {
        gps = GpsState.Empty;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var (updated, signalLevel, location, heading, speed, alt, precision, gsmLbs) = GpsState.Empty;
        var seen = 0;
        int next;
        while ((next = NextField(ref reader, static name => (int)GpsFieldOf(name), ref seen)) > 0)
        {
            var field = (GpsField)next;
            int? number = null;
            var ok = field switch
            {
                GpsField.Updated => TryDate(ref reader, out updated),
                GpsField.SignalLevel => TryInt(ref reader, 0, 100, out signalLevel),
                GpsField.Location => TryLocation(ref reader, out location),
                GpsField.Heading => TryInt(ref reader, 0, 360, out number),
                GpsField.Speed => TryInt(ref reader, 0, 10_000, out number),
                GpsField.Alt => TryInt(ref reader, -100_000, 100_000, out number),
                GpsField.Precision => TryInt(ref reader, 0, int.MaxValue, out precision),
                GpsField.GsmLbs => TryBool(ref reader, out gsmLbs),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }

            switch (field)
            {
                case GpsField.Heading: heading = number ?? 0; break;
                case GpsField.Speed: speed = number ?? 0; break;
                case GpsField.Alt: alt = number ?? 0; break;
            }
        }

        gps = new GpsState(updated, signalLevel, location, heading, speed, alt, precision, gsmLbs);
        return next == 0 && reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool TryLocation(ref Utf8JsonReader reader, out GeoPoint? location)
    {
        location = null;
        if (!IsNullOrObject(ref reader, out var isNull) || isNull)
        {
            return isNull;
        }

        double lat = 0, lng = 0;
        var seen = 0;
        int next;
        while ((next = NextField(ref reader, static name => name.SequenceEqual("lat"u8) ? 1 : name.SequenceEqual("lng"u8) ? 2 : 0, ref seen)) > 0)
        {
            if (!(next == 1 ? TryNumber(ref reader, -90, 90, out lat) : TryNumber(ref reader, -180, 180, out lng)))
            {
                return false;
            }
        }

        location = new GeoPoint(lat, lng);
        return next == 0 && seen == 0b110 && reader.TokenType == JsonTokenType.EndObject; // both lat and lng
    }

    private enum GpsField
    {
        Unknown, Updated, SignalLevel, Location, Heading, Speed, Alt, Precision, GsmLbs,
    }

    private static GpsField GpsFieldOf(ReadOnlySpan<byte> name) => name.Length switch
    {
        3 => name.SequenceEqual("alt"u8) ? GpsField.Alt : GpsField.Unknown,
        5 => name.SequenceEqual("speed"u8) ? GpsField.Speed : GpsField.Unknown,
        7 => name.SequenceEqual("updated"u8) ? GpsField.Updated : name.SequenceEqual("heading"u8) ? GpsField.Heading
            : name.SequenceEqual("gsm_lbs"u8) ? GpsField.GsmLbs : GpsField.Unknown,
        8 => name.SequenceEqual("location"u8) ? GpsField.Location : GpsField.Unknown,
        9 => name.SequenceEqual("precision"u8) ? GpsField.Precision : GpsField.Unknown,
        12 => name.SequenceEqual("signal_level"u8) ? GpsField.SignalLevel : GpsField.Unknown,
        _ => GpsField.Unknown,
    };
}

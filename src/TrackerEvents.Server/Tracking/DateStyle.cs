using System.Globalization;
using System.Text.Json;

namespace TrackerEvents.Tracking;

/// <summary>
/// How dates are written: <c>yyyy-MM-dd HH:mm:ss</c> in the user's time zone (the Navixy default),
/// ISO 8601 with the zone's offset (<c>iso_datetime</c>), or the canonical UTC form the store keeps.
/// </summary>
internal sealed class DateStyle
{
    public static readonly DateStyle Canonical = new(TimeZoneInfo.Utc, iso: true, canonical: true);

    private readonly bool _canonical;

    private DateStyle(TimeZoneInfo zone, bool iso, bool canonical)
    {
        Zone = zone;
        Iso = iso;
        _canonical = canonical;
        Key = canonical ? "canonical" : (iso ? "iso:" : "plain:") + zone.Id;
    }

    public TimeZoneInfo Zone { get; }

    public bool Iso { get; }

    /// <summary>Identifies the style, so that a rendering can be shared by everyone using the same one.</summary>
    public string Key { get; }

    public static DateStyle For(TimeZoneInfo zone, bool iso) => new(zone, iso, canonical: false);

    public int Format(DateTimeOffset value, Span<char> destination)
    {
        if (_canonical)
        {
            value.UtcDateTime.TryFormat(destination, out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            return written;
        }

        var local = TimeZoneInfo.ConvertTime(value, Zone);
        if (!Iso)
        {
            local.TryFormat(destination, out var plain, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            return plain;
        }

        local.TryFormat(destination, out var iso,
            local.Offset == TimeSpan.Zero ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        return iso;
    }

    public string Format(DateTimeOffset value)
    {
        Span<char> buffer = stackalloc char[40];
        return new string(buffer[..Format(value, buffer)]);
    }

    public void Write(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
            return;
        }

        Span<char> buffer = stackalloc char[40];
        writer.WriteString(name, buffer[..Format(value.Value, buffer)]);
    }

    private static readonly string[] AcceptedFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd HH:mm:ss.FFFFFFF",
    ];

    /// <summary>Reads an ISO 8601 date-time; one without an offset, or <c>yyyy-MM-dd HH:mm:ss</c>, is UTC.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(text, AcceptedFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
}

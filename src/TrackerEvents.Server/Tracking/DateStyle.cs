using System.Globalization;
using System.Text;
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
    public static bool TryParse(string? text, out DateTimeOffset value) => TryParse(text.AsSpan(), out value);

    /// <summary>
    /// <see cref="TryParse(string?, out DateTimeOffset)"/> from UTF-8 text, without a string made of it (a stored
    /// state holds about ten dates, read on every merge; a device may send one per request). Nothing longer
    /// than 48 bytes is a date of the accepted forms.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out DateTimeOffset value)
    {
        const int MaxChars = 48;
        if (utf8.Length > MaxChars)
        {
            value = default;
            return false;
        }

        Span<char> text = stackalloc char[MaxChars];
        return TryParse(text[..Encoding.UTF8.GetChars(utf8, text)], out value);
    }

    /// <inheritdoc cref="TryParse(string?, out DateTimeOffset)"/>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value) =>
        TryParseCanonical(text, out value)
        || DateTimeOffset.TryParseExact(text, AcceptedFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    /// <summary>
    /// The canonical form (<c>yyyy-MM-ddTHH:mm:ss.fffZ</c>), read by hand: every stored state holds about ten
    /// of them and is read on every change, and the format-list parser above, with its culture-aware literal
    /// matching, was the largest single cost of reading a state back. Anything else goes to that parser.
    /// </summary>
    private static bool TryParseCanonical(ReadOnlySpan<char> s, out DateTimeOffset value)
    {
        value = default;
        if (s.Length != 24 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[23] != 'Z'
            || !TryDigits(s[..4], out var year) || !TryDigits(s.Slice(5, 2), out var month) || !TryDigits(s.Slice(8, 2), out var day)
            || !TryDigits(s.Slice(11, 2), out var hour) || !TryDigits(s.Slice(14, 2), out var minute) || !TryDigits(s.Slice(17, 2), out var second)
            || !TryDigits(s.Slice(20, 3), out var millisecond)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        value = new DateTimeOffset(year, month, day, hour, minute, second, millisecond, TimeSpan.Zero);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> digits, out int number)
    {
        number = 0;
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            number = number * 10 + (c - '0');
        }

        return true;
    }
}

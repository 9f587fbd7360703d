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

    /// <summary>Writes the date into <paramref name="destination"/> (at least 25 characters) and returns its length.</summary>
    /// <remarks>
    /// Written by hand: a state holds about ten dates and is written on every change (stored once, rendered per
    /// date style), and a custom format string is interpreted anew at each call; it was most of the time to
    /// write a state. The forms are those of the format strings <c>yyyy-MM-dd'T'HH:mm:ss.fff'Z'</c> (canonical,
    /// UTC), <c>yyyy-MM-dd HH:mm:ss</c> (plain) and <c>yyyy-MM-dd'T'HH:mm:ss'Z'</c> or <c>yyyy-MM-dd'T'HH:mm:sszzz</c>
    /// (ISO), which a test checks them against.
    /// </remarks>
    public int Format(DateTimeOffset value, Span<char> destination)
    {
        if (_canonical)
        {
            var utc = value.UtcDateTime;
            WriteDateTime(destination, utc, 'T');
            destination[19] = '.';
            Digits(destination.Slice(20, 3), utc.Millisecond);
            destination[23] = 'Z';
            return 24;
        }

        var local = TimeZoneInfo.ConvertTime(value, Zone);
        WriteDateTime(destination, local.DateTime, Iso ? 'T' : ' ');
        if (!Iso)
        {
            return 19;
        }

        var offset = local.Offset;
        if (offset == TimeSpan.Zero)
        {
            destination[19] = 'Z';
            return 20;
        }

        destination[19] = offset < TimeSpan.Zero ? '-' : '+';
        var minutes = Math.Abs((int)offset.TotalMinutes);
        Digits(destination.Slice(20, 2), minutes / 60);
        destination[22] = ':';
        Digits(destination.Slice(23, 2), minutes % 60);
        return 25;
    }

    // yyyy-MM-dd?HH:mm:ss, with the given separator between the date and the time.
    private static void WriteDateTime(Span<char> destination, DateTime time, char separator)
    {
        Digits(destination[..4], time.Year);
        destination[4] = '-';
        Digits(destination.Slice(5, 2), time.Month);
        destination[7] = '-';
        Digits(destination.Slice(8, 2), time.Day);
        destination[10] = separator;
        Digits(destination.Slice(11, 2), time.Hour);
        destination[13] = ':';
        Digits(destination.Slice(14, 2), time.Minute);
        destination[16] = ':';
        Digits(destination.Slice(17, 2), time.Second);
    }

    private static void Digits(Span<char> destination, int number)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (char)('0' + number % 10);
            number /= 10;
        }
    }

    public string Format(DateTimeOffset value)
    {
        Span<char> buffer = stackalloc char[40];
        return new string(buffer[..Format(value, buffer)]);
    }

    /// <summary>Writes the date, or null, as the property <paramref name="name"/>.</summary>
    public void Write(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        Span<char> buffer = stackalloc char[40];
        if (value is { } date)
        {
            writer.WriteString(name, buffer[..Format(date, buffer)]);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>The same, with the name encoded once by the caller (a state's fields: no transcoding per write).</summary>
    public void Write(Utf8JsonWriter writer, JsonEncodedText name, DateTimeOffset? value)
    {
        Span<char> buffer = stackalloc char[40];
        if (value is { } date)
        {
            writer.WriteString(name, buffer[..Format(date, buffer)]);
        }
        else
        {
            writer.WriteNull(name);
        }
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

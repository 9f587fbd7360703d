using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using TrackerEvents.Tracking;

namespace TrackerEvents.Devices;

/// <summary>
/// The checks both device formats share: numbers within the range the state can hold, booleans, time
/// stamps, device ids and the extra values kept as <c>additional</c>. Each failure is a
/// <see cref="DeviceRequestException"/> naming the parameter.
/// </summary>
internal static partial class PointValues
{
    public const int MaxKeyLength = 64;
    public const int MaxValueLength = 256;

    /// <summary>The earliest time a point may carry: older stamps are a device's clock that was never set.</summary>
    public static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A number sent as UTF-8 text (decimal, optionally with an exponent).</summary>
    public static double Number(string name, ReadOnlySpan<byte> text, double min, double max)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw new DeviceRequestException($"{name} must be a number");
        }

        return InRange(name, value, min, max);
    }

    public static double InRange(string name, double value, double min, double max) =>
        double.IsFinite(value) && value >= min && value <= max
            ? value
            : throw new DeviceRequestException(string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max}"));

    /// <summary>A speed in <paramref name="kmhPerUnit"/> units, as km/h: at least 0, at most 10,000 km/h (the state's range).</summary>
    public static double Speed(string name, double value, double kmhPerUnit)
    {
        var kmh = value * kmhPerUnit;
        return double.IsFinite(kmh) && kmh is >= 0 and <= 10_000
            ? kmh
            : throw new DeviceRequestException($"{name} must be between 0 and 10000 km/h");
    }

    /// <summary><c>true</c>, <c>false</c> (any case), <c>1</c> or <c>0</c>, sent as UTF-8 text.</summary>
    public static bool Bool(string name, ReadOnlySpan<byte> text) =>
        Ascii.EqualsIgnoreCase(text, "true"u8) || text.SequenceEqual("1"u8) ? true
        : Ascii.EqualsIgnoreCase(text, "false"u8) || text.SequenceEqual("0"u8) ? false
        : throw new DeviceRequestException($"{name} must be true, false, 1 or 0");

    /// <summary>
    /// A time stamp as the query format sends it: Unix seconds, or milliseconds (a number of at least
    /// 2^31, as Traccar reads it), ISO 8601, or <c>yyyy-MM-dd HH:mm:ss</c> (UTC).
    /// </summary>
    public static DateTimeOffset Timestamp(string name, ReadOnlySpan<byte> text)
    {
        DateTimeOffset time;
        if (text.Length > 0 && !text.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            if (text.Length > 15 || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                || (number < int.MaxValue ? number * 1000 : number) > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
            {
                throw new DeviceRequestException($"{name} is out of range");
            }

            time = DateTimeOffset.FromUnixTimeMilliseconds(number < int.MaxValue ? number * 1000 : number);
        }
        else if (!DateStyle.TryParse(text, out time))
        {
            throw new DeviceRequestException($"{name} must be Unix seconds or milliseconds, ISO 8601, or yyyy-MM-dd HH:mm:ss");
        }

        return IsoTime(name, time);
    }

    /// <summary>A time stamp that is no earlier than <see cref="Earliest"/>.</summary>
    public static DateTimeOffset IsoTime(string name, DateTimeOffset time) =>
        time >= Earliest ? time : throw new DeviceRequestException($"{name} is before 2000-01-01");

    public static string DeviceId(string name, string text) =>
        DeviceIdPattern().IsMatch(text)
            ? text
            : throw new DeviceRequestException($"{name} must be 1 to 64 letters, digits or -_.:");

    /// <summary>Adds an extra value, kept as <c>additional.&lt;key&gt;</c>; a later value of the same key replaces an earlier one.</summary>
    public static void Additional(List<KeyValuePair<string, string>> additional, string key, string value, int max)
    {
        if (!KeyPattern().IsMatch(key))
        {
            throw new DeviceRequestException($"parameter name '{Shorten(key)}' must be 1 to {MaxKeyLength} letters, digits or -_.");
        }

        if (value.Length > MaxValueLength || value.Any(char.IsControl))
        {
            throw new DeviceRequestException($"{key} must be at most {MaxValueLength} characters, none of them control characters");
        }

        var index = additional.FindIndex(p => p.Key == key);
        if (index >= 0)
        {
            additional[index] = new(key, value);
            return;
        }

        if (additional.Count >= max)
        {
            throw new DeviceRequestException($"more than {max} extra values");
        }

        additional.Add(new(key, value));
    }

    /// <summary>A number as the state's <c>additional</c> keeps it: invariant, shortest round-trip form.</summary>
    public static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Shorten(string text) =>
        new([.. (text.Length > 32 ? text[..32] + "..." : text).Select(c => char.IsControl(c) ? '?' : c)]);

    [GeneratedRegex(@"^[A-Za-z0-9_.:-]{1,64}\z")]
    private static partial Regex DeviceIdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{1,64}\z")]
    private static partial Regex KeyPattern();
}

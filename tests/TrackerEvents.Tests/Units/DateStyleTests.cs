using System.Globalization;
using TrackerEvents.Tracking;

namespace TrackerEvents.Tests.Units;

/// <summary>Dates written by hand read exactly as the format strings they replace would write them.</summary>
public sealed class DateStyleTests
{
    // UTC, a zone with daylight saving, and zones whose offsets have minutes, before and after UTC.
    public static TheoryData<string> Zones => new() { "UTC", "Europe/Amsterdam", "America/St_Johns", "Asia/Kathmandu", "Pacific/Chatham" };

    [Theory, MemberData(nameof(Zones))]
    public void EveryStyle_WritesWhatItsFormatStringWrites(string zoneId)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var random = new Random(zoneId.Length);
        List<DateTimeOffset> values =
        [
            new(2026, 3, 29, 0, 59, 59, 999, TimeSpan.Zero), // around Europe's switch to summer time
            new(2026, 3, 29, 1, 0, 0, 0, TimeSpan.Zero),
            new(2026, 10, 25, 0, 59, 59, 1, TimeSpan.Zero),
            new(1, 1, 2, 0, 0, 0, TimeSpan.Zero),
            new(9999, 12, 30, 23, 59, 59, 999, TimeSpan.Zero),
            new(2026, 11, 30, 7, 40, 12, TimeSpan.FromHours(-5)), // given with an offset of its own
        ];
        for (var i = 0; i < 2_000; i++)
        {
            values.Add(new DateTimeOffset(random.NextInt64(new DateTime(1900, 1, 1).Ticks, new DateTime(2100, 1, 1).Ticks), TimeSpan.Zero));
        }

        foreach (var value in values)
        {
            DateStyle.Canonical.Format(value).Should().Be(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            var local = TimeZoneInfo.ConvertTime(value, zone);
            DateStyle.For(zone, iso: false).Format(value).Should().Be(local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            DateStyle.For(zone, iso: true).Format(value).Should().Be(local.ToString(
                local.Offset == TimeSpan.Zero ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture), $"{value:O} in {zoneId}");
        }
    }
}

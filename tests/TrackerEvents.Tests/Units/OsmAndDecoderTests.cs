using System.Text;
using TrackerEvents.Devices;
using TrackerEvents.Tracking;

namespace TrackerEvents.Tests.Units;

/// <summary>The OsmAnd query/form format: query strings as the apps send them in, a point (or the reason it is refused) out.</summary>
public sealed class OsmAndDecoderTests
{
    private const double Knots = 1.852;

    private static DevicePoint Decode(string query, double speedFactor = Knots) =>
        OsmAndDecoder.TryDecodeQuery(Encoding.UTF8.GetBytes(query), speedFactor, maxAdditional: 32, out var point) ? point : throw new InvalidOperationException("no parameters");

    private static string Refused(string query) =>
        FluentActions.Invoking(() => Decode(query)).Should().Throw<DeviceRequestException>().Which.Message;

    [Fact]
    public void TheOsmAndApp_GetWithMillisecondsHdopAndSpeed()
    {
        // OsmAnd's template http://host:5055/?id=..&lat={0}&lon={1}&timestamp={2}&hdop={3}&altitude={4}&speed={5}
        var point = Decode("?id=902064&lat=42.06288&lon=-88.23412&timestamp=1442068686579&hdop=6.0&altitude=224.0&speed=10.0");

        point.DeviceId.Should().Be("902064");
        point.Position.Should().Be(new GeoPoint(42.06288, -88.23412));
        point.Time.Should().Be(DateTimeOffset.FromUnixTimeMilliseconds(1442068686579));
        point.Altitude.Should().Be(224);
        point.SpeedKmh.Should().BeApproximately(18.52, 1e-9, "speed is in knots by default, as Traccar reads it");
        point.Additional.Select(p => $"{p.Key}={p.Value}").Should().Equal("hdop=6");
        point.HasFix.Should().BeTrue();
    }

    [Fact]
    public void TheTraccarClientBeforeVersion9_SecondsBatteryAccuracyAndChargeFlag()
    {
        var point = Decode("?id=123456789012345&timestamp=1504763810&lat=40.7232948571&lon=-74.0061408571&speed=0.0&bearing=7.19889788244"
            + "&altitude=10.0&accuracy=12.5&batt=87.0&charge=true");

        point.Time.Should().Be(DateTimeOffset.FromUnixTimeSeconds(1504763810));
        point.Heading.Should().BeApproximately(7.19889788244, 1e-12);
        point.Accuracy.Should().Be(12.5);
        point.BatteryPercent.Should().Be(87);
        point.Additional.Select(p => $"{p.Key}={p.Value}").Should().Equal("charge=true");
    }

    [Theory]
    [InlineData("2016-01-27T18%3A55%3A47Z", "2016-01-27T18:55:47Z")]
    [InlineData("2014-06-04+09%3A10%3A11", "2014-06-04T09:10:11Z")]
    [InlineData("2014-06-04T11%3A10%3A11%2B02%3A00", "2014-06-04T09:10:11Z")]
    [InlineData("1377177267", "2013-08-22T13:14:27Z")]
    [InlineData("1377177267000", "2013-08-22T13:14:27Z")]
    public void Timestamps_InEveryForm(string sent, string expected)
    {
        Decode($"?id=1&timestamp={sent}").Time.Should().Be(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void LocationAsOneParameter_DeviceidAsTheIdName_AndEverythingElseKeptAsAdditional()
    {
        var point = Decode("?deviceid=abc&location=60.0,30.0&ignition=true&driverUniqueId=D-42&rpm=933&fuel=24&valid=1");

        point.DeviceId.Should().Be("abc");
        point.Position.Should().Be(new GeoPoint(60, 30));
        point.Ignition.Should().BeTrue();
        point.Additional.Select(p => $"{p.Key}={p.Value}").Should().Equal("driverUniqueId=D-42", "rpm=933", "fuel=24");
    }

    [Theory]
    [InlineData("kmh", 1)]
    [InlineData("mps", 3.6)]
    [InlineData("knots", 1.852)]
    public void SpeedUnit_IsConvertedToKmh(string unit, double factor)
    {
        Decode("?id=1&speed=10", factor).SpeedKmh.Should().BeApproximately(10 * factor, 1e-9, unit);
    }

    [Fact]
    public void InvalidOr00Positions_AreNoFix_AndAMissingTimestampIsLeftToTheReceiveTime()
    {
        Decode("?id=1&lat=52&lon=4&valid=false").HasFix.Should().BeFalse();
        Decode("?id=1&lat=0&lon=0").HasFix.Should().BeFalse();
        Decode("?id=1&lat=0.0&lon=4.5").HasFix.Should().BeTrue("only 0,0 is the no-fix placeholder");
        Decode("?id=1").Time.Should().BeNull();
    }

    [Fact]
    public void AFormBody_ReadsLikeAQuery()
    {
        var point = OsmAndDecoder.DecodeForm("id=77&lat=1.5&lon=2.5&note=caf%C3%A9+au+lait"u8, Knots, 32);

        point.Position.Should().Be(new GeoPoint(1.5, 2.5));
        point.Additional.Select(p => $"{p.Key}={p.Value}").Should().Equal("note=café au lait");
    }

    [Theory]
    [InlineData("?lat=1&lon=2", "id (or deviceid) is required")]
    [InlineData("?id=&lat=1&lon=2", "id must be")]
    [InlineData("?id=a%20b", "id must be")]
    [InlineData("?id=1&lat=1", "lat and lon must be sent together")]
    [InlineData("?id=1&lat=abc&lon=1", "lat must be a number")]
    [InlineData("?id=1&lat=NaN&lon=1", "lat must be a number")]
    [InlineData("?id=1&lat=Infinity&lon=1", "lat must be a number")]
    [InlineData("?id=1&lat=1e400&lon=1", "lat must be a number")]
    [InlineData("?id=1&lat=91&lon=1", "lat must be between -90 and 90")]
    [InlineData("?id=1&lat=1&lon=-180.5", "lon must be between -180 and 180")]
    [InlineData("?id=1&location=1", "location must be lat,lon")]
    [InlineData("?id=1&speed=-1", "speed must be between 0 and 10000 km/h")]
    [InlineData("?id=1&speed=1e9", "speed must be between 0 and 10000 km/h")]
    [InlineData("?id=1&bearing=361", "bearing must be between 0 and 360")]
    [InlineData("?id=1&altitude=-200000", "altitude must be between")]
    [InlineData("?id=1&batt=101", "batt must be between 0 and 100")]
    [InlineData("?id=1&valid=maybe", "valid must be true, false, 1 or 0")]
    [InlineData("?id=1&timestamp=-5", "timestamp must be")]
    [InlineData("?id=1&timestamp=99999999999999999", "timestamp is out of range")]
    [InlineData("?id=1&timestamp=0", "timestamp is before 2000-01-01")]
    [InlineData("?id=1&timestamp=yesterday", "timestamp must be")]
    [InlineData("?id=1&x=%ZZ", "malformed percent-encoding")]
    [InlineData("?id=1&x=%4", "malformed percent-encoding")]
    [InlineData("?id=1&x=%FF%FE", "parameters must be UTF-8")]
    [InlineData("?id=1&x=%C3", "parameters must be UTF-8")]
    [InlineData("?id=1&x=%01", "x must be at most 256 characters, none of them control characters")]
    [InlineData("?id=1&bad%20key=1", "parameter name 'bad key' must be")]
    public void BadInput_IsRefusedWithItsReason(string query, string reason)
    {
        Refused(query).Should().StartWith(reason);
    }

    [Fact]
    public void TooManyOrTooLongExtras_AreRefused()
    {
        var many = string.Concat(Enumerable.Range(0, 33).Select(i => $"&k{i}=v"));
        Refused("?id=1" + many).Should().Be("more than 32 extra values");
        Refused("?id=1&note=" + new string('x', 257)).Should().StartWith("note must be at most 256 characters");
        Refused("?id=1" + string.Concat(Enumerable.Range(0, 101).Select(i => "&id=1"))).Should().Be("more than 100 parameters");
    }

    [Fact]
    public void RawNonAsciiInTheQueryString_IsRefused()
    {
        Refused("?id=1&x=caf\u00e9").Should().StartWith("the query string must be ASCII");
        FluentActions.Invoking(() => OsmAndDecoder.DecodeForm(Encoding.Latin1.GetBytes("id=1&x=caf\u00e9"), Knots, 32))
            .Should().Throw<DeviceRequestException>().WithMessage("parameters must be UTF-8");
        Refused("?id=1&lat=%FF").Should().Be("parameters must be UTF-8", "a number's bytes are checked as any value's");
        Refused("?id=1&caf%FF=1").Should().Be("parameters must be UTF-8", "and so are a key's");
    }
}

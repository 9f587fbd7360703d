using System.Text;
using TrackerEvents.Devices;
using TrackerEvents.Tracking;

namespace TrackerEvents.Tests.Units;

/// <summary>The Traccar Client (9+) JSON format: bodies as the apps send them in, a point (or the reason it is refused) out.</summary>
public sealed class TraccarJsonDecoderTests
{
    /// <summary>Android, as the app sends it (including the SDK's "_" echo of the query format).</summary>
    internal const string Android = """{"location":{"timestamp":"2025-06-15T13:45:12.862Z","coords":{"latitude":37.4219983,"longitude":-122.084,"accuracy":5,"speed":0,"heading":-1,"altitude":5},"is_moving":false,"odometer":0,"event":"motionchange","battery":{"level":1,"is_charging":false},"activity":{"type":"still"},"extras":{},"_":"&id=48241179&lat=37.4219983&lon=-122.084&timestamp=2025-06-15T13:45:12.862Z&"},"device_id":"48241179"}""";

    /// <summary>iOS, as the app sends it: unknown speed, heading and battery level are -1, the floor is null.</summary>
    internal const string Ios = """{"location":{"extras":{},"mock":true,"coords":{"speed_accuracy":-1,"speed":-1,"longitude":-122.406417,"ellipsoidal_altitude":0,"floor":null,"heading_accuracy":-1,"latitude":37.785834000000001,"accuracy":5,"altitude_accuracy":-1,"altitude":0,"heading":-1},"is_moving":false,"age":188,"odometer":0,"uuid":"2FB04C65-99CF-42AB-8DD3-EBCB4B108BF8","event":"motionchange","battery":{"level":-1,"is_charging":false},"activity":{"type":"unknown","confidence":100},"timestamp":"2025-05-09T04:11:30.579Z"},"device_id":"658765"}""";

    private static DevicePoint Decode(string json) => TraccarJsonDecoder.Decode(Encoding.UTF8.GetBytes(json), maxAdditional: 32);

    private static string Refused(string json) =>
        FluentActions.Invoking(() => Decode(json)).Should().Throw<DeviceRequestException>().Which.Message;

    [Fact]
    public void TheAndroidApp()
    {
        var point = Decode(Android);

        point.DeviceId.Should().Be("48241179");
        point.Time.Should().Be(new DateTimeOffset(2025, 6, 15, 13, 45, 12, 862, TimeSpan.Zero));
        point.Position.Should().Be(new GeoPoint(37.4219983, -122.084));
        point.SpeedKmh.Should().Be(0);
        point.Heading.Should().BeNull("-1 is the SDK's unknown heading");
        point.Accuracy.Should().Be(5);
        point.Altitude.Should().Be(5);
        point.IsMoving.Should().BeFalse();
        point.BatteryPercent.Should().Be(100);
        point.Additional.Select(p => $"{p.Key}={p.Value}").Should().Equal("odometer=0", "event=motionchange", "charge=false", "activity=still");
    }

    [Fact]
    public void TheIosApp_UnknownValuesAreNotSent()
    {
        var point = Decode(Ios);

        point.DeviceId.Should().Be("658765");
        point.SpeedKmh.Should().BeNull();
        point.Heading.Should().BeNull();
        point.BatteryPercent.Should().BeNull();
        point.Position.Should().Be(new GeoPoint(37.785834000000001, -122.406417));
        point.Additional.Select(p => $"{p.Key}={p.Value}").Should().Contain("mock=true");
    }

    [Fact]
    public void SpeedIsMetresPerSecond_AndExtrasAreKeptAsAdditional()
    {
        var point = Decode("""{"device_id":"x1","location":{"timestamp":"2025-01-01T00:00:00Z","coords":{"latitude":1,"longitude":2,"speed":10,"heading":90,"accuracy":3,"altitude":-12},"battery":{"level":0.79,"is_charging":true},"extras":{"trip":"A-7","count":3,"none":null}}}""");

        point.SpeedKmh.Should().BeApproximately(36, 1e-9);
        point.Heading.Should().Be(90);
        point.Altitude.Should().Be(-12);
        point.BatteryPercent.Should().BeApproximately(79, 1e-9);
        point.Additional.Select(p => $"{p.Key}={p.Value}").Should().Equal("charge=true", "trip=A-7", "count=3");
    }

    [Fact]
    public void WithoutCoords_ThePointHasNoFix_AndWithoutTimestampItIsTheReceiveTime()
    {
        var point = Decode("""{"device_id":"x1","location":{"is_moving":true}}""");

        point.HasFix.Should().BeFalse();
        point.Time.Should().BeNull();
        point.IsMoving.Should().BeTrue();
    }

    [Theory]
    [InlineData("""{"location":{}}""", "device_id is required (a string)")]
    [InlineData("""{"device_id":12345,"location":{}}""", "device_id is required (a string)")]
    [InlineData("""{"device_id":"a b","location":{}}""", "device_id must be")]
    [InlineData("""{"device_id":"x"}""", "location is required")]
    [InlineData("""{"device_id":"x","location":[{}]}""", "location must be a JSON object")]
    [InlineData("""[1,2]""", "the body must be a JSON object")]
    [InlineData("""{"device_id":"x","location":{"timestamp":"soon"}}""", "location.timestamp must be an ISO 8601 date-time")]
    [InlineData("""{"device_id":"x","location":{"timestamp":"1999-12-31T23:59:59Z"}}""", "location.timestamp is before 2000-01-01")]
    [InlineData("""{"device_id":"x","location":{"coords":{"latitude":1}}}""", "location.coords must have latitude and longitude")]
    [InlineData("""{"device_id":"x","location":{"coords":{"latitude":"1","longitude":2}}}""", "location.coords.latitude must be a number")]
    [InlineData("""{"device_id":"x","location":{"coords":{"latitude":95,"longitude":2}}}""", "location.coords.latitude must be between -90 and 90")]
    [InlineData("""{"device_id":"x","location":{"coords":{"latitude":1,"longitude":2,"speed":-3}}}""", "location.coords.speed must be between 0 and 10000 km/h")]
    [InlineData("""{"device_id":"x","location":{"coords":{"latitude":1,"longitude":2,"speed":1e300}}}""", "location.coords.speed must be between 0 and 10000 km/h")]
    [InlineData("""{"device_id":"x","location":{"coords":{"latitude":1,"longitude":2,"heading":400}}}""", "location.coords.heading must be between 0 and 360")]
    [InlineData("""{"device_id":"x","location":{"coords":{"latitude":1,"longitude":2,"altitude":1e400}}}""", "location.coords.altitude must be a number")]
    [InlineData("""{"device_id":"x","location":{"battery":{"level":1.5}}}""", "location.battery.level must be between 0 and 1")]
    [InlineData("""{"device_id":"x","location":{"battery":{"is_charging":"yes"}}}""", "location.battery.is_charging must be true or false")]
    [InlineData("""{"device_id":"x","location":{"is_moving":1}}""", "location.is_moving must be true or false")]
    [InlineData("""{"device_id":"x","location":{"extras":{"deep":{"a":1}}}}""", "location.extras.deep must be a string, number or boolean")]
    [InlineData("""{"device_id":"x","location":{"extras":{"bad key":1}}}""", "parameter name 'bad key' must be")]
    [InlineData("""{"device_id":"x","location":""", "the body is not valid JSON")]
    [InlineData("", "the body is not valid JSON")]
    public void BadInput_IsRefusedWithItsReason(string json, string reason)
    {
        Refused(json).Should().StartWith(reason);
    }

    [Fact]
    public void BadUtf8AndDeepNesting_AreRefused()
    {
        var badUtf8 = "{\"device_id\":\"x\",\"location\":{\"extras\":{\"a\":\"\u00ff\"}}}"u8.ToArray();
        badUtf8[^6] = 0xFF; // a lone continuation-less byte inside the string
        FluentActions.Invoking(() => TraccarJsonDecoder.Decode(badUtf8, 32)).Should().Throw<DeviceRequestException>().WithMessage("the body must be UTF-8");
        Refused("""{"device_id":"x","location":{"extras":{"a":[[[[[[[[[1]]]]]]]]]}}}""").Should().Be("the body is not valid JSON");
    }
}

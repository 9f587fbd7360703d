using System.Text;
using TrackerEvents.Tests.Infrastructure;
using TrackerEvents.Tests.Units;

namespace TrackerEvents.Tests.Devices;

/// <summary>
/// Devices reporting in, with requests byte for byte as the apps send them: answered 200 with an empty
/// body once stored, the tracker's state changed as docs/protocol.md maps it, and the change pushed to a
/// subscribed socket.
/// </summary>
public sealed class DeviceProtocolTests
{
    [Fact]
    public async Task TheOsmAndApp_Get_MovesTheTracker_AndASubscribedSocketSeesIt()
    {
        await using var fleet = await DeviceFleet.StartAsync();
        await using var socket = await fleet.SubscribeAsync(fleet.A);
        var time = DateTimeOffset.UtcNow.AddSeconds(-30);

        var answer = await RawHttp.SendOnceAsync(fleet.Devices,
            $"GET /?id={fleet.DeviceA}&lat=52.370216&lon=4.895168&timestamp={time.ToUnixTimeMilliseconds()}&hdop=4.0&altitude=12.3&speed=10.0&bearing=271.5 HTTP/1.1\r\n"
            + $"User-Agent: OsmAnd~\r\nHost: {fleet.Host}\r\nConnection: Keep-Alive\r\nAccept-Encoding: gzip\r\n\r\n");

        answer.Status.Should().Be(200);
        answer.Body.Should().BeEmpty();
        answer.Headers["Content-Length"].Should().Be("0");
        var data = (await socket.NextEventAsync("state")).GetProperty("data");
        data.GetProperty("gps").GetProperty("location").GetProperty("lat").GetDouble().Should().Be(52.370216);
        data.GetProperty("gps").GetProperty("location").GetProperty("lng").GetDouble().Should().Be(4.895168);
        data.GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(19, "10 knots is 18.52 km/h");
        data.GetProperty("gps").GetProperty("heading").GetInt32().Should().Be(272);
        data.GetProperty("gps").GetProperty("alt").GetInt32().Should().Be(12);
        data.GetProperty("connection_status").GetString().Should().Be("active");
        data.GetProperty("movement_status").GetString().Should().Be("moving");
        var state = await fleet.StateAsync(fleet.A);
        state.GetProperty("gps").GetProperty("updated").GetString().Should().Be(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
        state.GetProperty("additional").GetProperty("hdop").GetProperty("value").GetString().Should().Be("4");
    }

    [Fact]
    public async Task TheTraccarClientBeforeVersion9_PostWithTheQueryAndNoBody_OverOneKeptAliveConnection()
    {
        await using var fleet = await DeviceFleet.StartAsync();
        await using var phone = await RawHttp.ConnectAsync(fleet.Devices);
        var start = DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeSeconds();

        for (var i = 0; i < 3; i++)
        {
            var answer = await phone.SendAsync(
                $"POST /?id={fleet.DeviceA}&timestamp={start + i * 10}&lat=52.1{i}&lon=4.3&speed=0.0&bearing=0.0&altitude=0.0&accuracy=12.0&batt=87.0&charge=true HTTP/1.1\r\n"
                + $"User-Agent: Dalvik/2.1.0 (Linux; U; Android 13; Pixel 6 Build/TQ3A.230805.001)\r\nHost: {fleet.Host}\r\n"
                + "Connection: Keep-Alive\r\nAccept-Encoding: gzip\r\nContent-Length: 0\r\n\r\n");
            answer.Status.Should().Be(200);
        }

        var state = await fleet.StateAsync(fleet.A);
        state.GetProperty("gps").GetProperty("location").GetProperty("lat").GetDouble().Should().Be(52.12);
        state.GetProperty("gps").GetProperty("precision").GetInt32().Should().Be(12);
        state.GetProperty("battery_level").GetInt32().Should().Be(87);
        state.GetProperty("additional").GetProperty("charge").GetProperty("value").GetString().Should().Be("true");
        state.GetProperty("movement_status").GetString().Should().Be("parked");
    }

    [Fact]
    public async Task TheTraccarClient9_JsonFromAndroidAndIos()
    {
        await using var fleet = await DeviceFleet.StartAsync();
        var android = TraccarJsonDecoderTests.Android.Replace("48241179", fleet.DeviceA, StringComparison.Ordinal);
        var ios = TraccarJsonDecoderTests.Ios.Replace("658765", fleet.DeviceB, StringComparison.Ordinal);

        var fromAndroid = await RawHttp.SendOnceAsync(fleet.Devices, "POST / HTTP/1.1\r\nContent-Type: application/json\r\n"
            + $"Content-Length: {Encoding.UTF8.GetByteCount(android)}\r\nHost: {fleet.Host}\r\nConnection: Keep-Alive\r\nAccept-Encoding: gzip\r\n"
            + $"User-Agent: okhttp/4.12.0\r\n\r\n{android}");
        var fromIos = await RawHttp.SendOnceAsync(fleet.Devices, $"POST / HTTP/1.1\r\nHost: {fleet.Host}\r\nContent-Type: application/json\r\n"
            + "Accept: */*\r\nUser-Agent: TraccarClient/1 CFNetwork/1568.100.1 Darwin/24.0.0\r\nAccept-Language: en-GB,en;q=0.9\r\n"
            + $"Accept-Encoding: gzip, deflate, br\r\nContent-Length: {Encoding.UTF8.GetByteCount(ios)}\r\nConnection: keep-alive\r\n\r\n{ios}");

        fromAndroid.Status.Should().Be(200);
        fromIos.Status.Should().Be(200);
        var a = await fleet.StateAsync(fleet.A);
        a.GetProperty("gps").GetProperty("updated").GetString().Should().Be("2025-06-15T13:45:12Z");
        a.GetProperty("gps").GetProperty("location").GetProperty("lng").GetDouble().Should().Be(-122.084);
        a.GetProperty("battery_level").GetInt32().Should().Be(100);
        a.GetProperty("movement_status").GetString().Should().Be("parked");
        a.GetProperty("additional").GetProperty("event").GetProperty("value").GetString().Should().Be("motionchange");
        var b = await fleet.StateAsync(fleet.B);
        b.GetProperty("gps").GetProperty("location").GetProperty("lat").GetDouble().Should().Be(37.785834);
        b.GetProperty("battery_level").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null, "the iOS app sent -1: unknown");
    }

    [Fact]
    public async Task AGatewayFormPost_AndPointsThatMoveNothing()
    {
        await using var fleet = await DeviceFleet.StartAsync();
        var now = DateTimeOffset.UtcNow;
        const string Form = "Content-Type: application/x-www-form-urlencoded\r\n";
        string Post(string body) => $"POST / HTTP/1.1\r\nHost: {fleet.Host}\r\n{Form}Content-Length: {body.Length}\r\n\r\n{body}";

        (await RawHttp.SendOnceAsync(fleet.Devices, Post($"deviceid={fleet.DeviceA}&lat=51.5&lon=-0.12&timestamp={now.AddMinutes(-1):yyyy-MM-dd HH:mm:ss}&ignition=true"))).Status.Should().Be(200);
        (await RawHttp.SendOnceAsync(fleet.Devices, Post($"deviceid={fleet.DeviceA}&lat=10&lon=10&timestamp={now.AddMinutes(-5).ToUnixTimeSeconds()}&batt=5"))).Status.Should().Be(200);
        (await RawHttp.SendOnceAsync(fleet.Devices, Post($"deviceid={fleet.DeviceA}&lat=0&lon=0&batt=44&driverUniqueId=D-42"))).Status.Should().Be(200);

        var state = await fleet.StateAsync(fleet.A);
        state.GetProperty("gps").GetProperty("location").GetProperty("lat").GetDouble().Should().Be(51.5, "an older point and a 0,0 point move nothing");
        state.GetProperty("ignition").GetBoolean().Should().BeTrue();
        state.GetProperty("battery_level").GetInt32().Should().Be(44, "a point without a fix still carries the battery");
        state.GetProperty("additional").GetProperty("driverUniqueId").GetProperty("value").GetString().Should().Be("D-42");
    }
}

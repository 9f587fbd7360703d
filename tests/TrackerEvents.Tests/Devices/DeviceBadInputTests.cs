using System.Text;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Devices;

/// <summary>Every kind of bad device request: 400 with its reason on one line, nothing written, the listener unharmed.</summary>
public sealed class DeviceBadInputTests
{
    [Theory]
    [InlineData("GET /?id={id}&lat=abc&lon=4.9 HTTP/1.1", "lat must be a number")]
    [InlineData("GET /?id={id}&lat=NaN&lon=4.9 HTTP/1.1", "lat must be a number")]
    [InlineData("GET /?id={id}&lat=52&lon=Infinity HTTP/1.1", "lon must be a number")]
    [InlineData("GET /?id={id}&lat=91&lon=4.9 HTTP/1.1", "lat must be between -90 and 90")]
    [InlineData("GET /?id={id}&lat=52&lon=4.9&speed=1e12 HTTP/1.1", "speed must be between 0 and 10000 km/h")]
    [InlineData("GET /?id={id}&lat=52&lon=4.9&speed=-3 HTTP/1.1", "speed must be between 0 and 10000 km/h")]
    [InlineData("GET /?id={id}&lat=52&lon=4.9&batt=-1 HTTP/1.1", "batt must be between 0 and 100")]
    [InlineData("GET /?id={id}&lat=52&lon=4.9&altitude=99999999999 HTTP/1.1", "altitude must be between -100000 and 100000")]
    [InlineData("GET /?id={id}&lat=52&lon=4.9&timestamp=99999999999999 HTTP/1.1", "timestamp is more than 00:10:00 ahead of the server's clock")]
    [InlineData("GET /?id={id}&lat=52&lon=4.9&note=%FF%FE HTTP/1.1", "parameters must be UTF-8")]
    [InlineData("GET /?id={id}&lat=52&lon=4.9&note=%E2%82 HTTP/1.1", "parameters must be UTF-8")]
    [InlineData("GET /?lat=52&lon=4.9 HTTP/1.1", "id (or deviceid) is required")]
    [InlineData("GET / HTTP/1.1", "id (or deviceid) is required")]
    [InlineData("GET /?id=no-such-device-4242&lat=52&lon=4.9 HTTP/1.1", "unknown device id")]
    public async Task ABadQuery_IsAnswered400WithItsReason_AndWritesNothing(string requestLine, string reason)
    {
        await using var fleet = await DeviceFleet.StartAsync();
        var before = await fleet.Server.CurrentVersionAsync();

        var answer = await RawHttp.SendOnceAsync(fleet.Devices, $"{requestLine.Replace("{id}", fleet.DeviceA)}\r\nHost: {fleet.Host}\r\n\r\n");

        answer.Status.Should().Be(400);
        answer.Body.Should().Be(reason + "\n");
        await ThenNothingWasWritten_AndTheListenerStillWorksAsync(fleet, before);
    }

    [Theory]
    [InlineData("{\"device_id\":\"{id}\",\"location\":{\"coords\":{\"latitude\":1e999,\"longitude\":2}}}", "location.coords.latitude must be a number")]
    [InlineData("{\"device_id\":\"{id}\",\"location\":{\"coords\":{\"latitude\":-91,\"longitude\":2}}}", "location.coords.latitude must be between -90 and 90")]
    [InlineData("{\"device_id\":\"{id}\",\"location\":{\"battery\":{\"level\":7}}}", "location.battery.level must be between 0 and 1")]
    [InlineData("{\"device_id\":\"{id}\",\"location\":{\"timestamp\":\"tomorrow\"}}", "location.timestamp must be an ISO 8601 date-time")]
    [InlineData("{\"device_id\":\"{id}\",\"location\":", "the body is not valid JSON")]
    [InlineData("{\"device_id\":\"{id}\"}", "location is required")]
    [InlineData("{\"device_id\":\"nobody-here\",\"location\":{}}", "unknown device id")]
    public async Task ABadJsonBody_IsAnswered400WithItsReason_AndWritesNothing(string body, string reason)
    {
        await using var fleet = await DeviceFleet.StartAsync();
        var before = await fleet.Server.CurrentVersionAsync();
        var bytes = Encoding.UTF8.GetBytes(body.Replace("{id}", fleet.DeviceA));

        var answer = await RawHttp.SendOnceAsync(fleet.Devices,
            $"POST / HTTP/1.1\r\nHost: {fleet.Host}\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\n\r\n" + Encoding.UTF8.GetString(bytes));

        answer.Status.Should().Be(400);
        answer.Body.Should().Be(reason + "\n");
        await ThenNothingWasWritten_AndTheListenerStillWorksAsync(fleet, before);
    }

    [Fact]
    public async Task BadUtf8Bytes_InAJsonBody_InAFormBody_AndRawInTheQuery()
    {
        await using var fleet = await DeviceFleet.StartAsync();
        var before = await fleet.Server.CurrentVersionAsync();
        byte[] Request(string head, byte[] body) => [.. Encoding.ASCII.GetBytes($"{head}\r\nHost: {fleet.Host}\r\nContent-Length: {body.Length}\r\n\r\n"), .. body];
        byte[] WithBadByte(string text) => [.. Encoding.ASCII.GetBytes(text), 0xC3, 0x28];

        await using var json = await RawHttp.ConnectAsync(fleet.Devices);
        var jsonAnswer = await json.SendAsync(Request("POST / HTTP/1.1\r\nContent-Type: application/json",
            [.. Encoding.ASCII.GetBytes($"{{\"device_id\":\"{fleet.DeviceA}\",\"location\":{{\"extras\":{{\"a\":\""), 0xC3, 0x28, .. "\"}}}"u8.ToArray()]));
        jsonAnswer.Status.Should().Be(400);
        jsonAnswer.Body.Should().Be("the body must be UTF-8\n");
        await using var form = await RawHttp.ConnectAsync(fleet.Devices);
        var formAnswer = await form.SendAsync(Request("POST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded", WithBadByte($"id={fleet.DeviceA}&lat=1&lon=2&note=")));
        formAnswer.Status.Should().Be(400);
        formAnswer.Body.Should().Be("parameters must be UTF-8\n");
        await using var raw = await RawHttp.ConnectAsync(fleet.Devices);
        var rawAnswer = await raw.SendAsync([.. WithBadByte($"GET /?id={fleet.DeviceA}&lat=1&lon=2&note="), .. Encoding.ASCII.GetBytes($" HTTP/1.1\r\nHost: {fleet.Host}\r\n\r\n")]);
        rawAnswer.Status.Should().Be(400, "Kestrel or the decoder refuses a raw non-ASCII request target");

        await ThenNothingWasWritten_AndTheListenerStillWorksAsync(fleet, before);
    }

    [Fact]
    public async Task AnOversizedBody_IsRefusedBeforeItIsRead_AndTheConnectionIsClosed()
    {
        await using var fleet = await DeviceFleet.StartAsync("Devices:MaxRequestBytes=1024");
        var before = await fleet.Server.CurrentVersionAsync();
        var big = $"id={fleet.DeviceA}&lat=1&lon=2&note={new string('x', 2000)}";

        await using var declared = await RawHttp.ConnectAsync(fleet.Devices);
        var answer = await declared.SendAsync($"POST / HTTP/1.1\r\nHost: {fleet.Host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {big.Length}\r\n\r\n{big}");
        answer.Status.Should().Be(400);
        answer.Body.Should().Be("the body is larger than 1024 bytes\n");
        answer.Headers["Connection"].Should().Be("close");
        (await declared.ClosedByServerAsync()).Should().BeTrue();

        await using var chunked = await RawHttp.ConnectAsync(fleet.Devices);
        var chunks = string.Concat(Enumerable.Range(0, 4).Select(_ => $"200\r\n{new string('y', 512)}\r\n")) + "0\r\n\r\n";
        var chunkedAnswer = await chunked.SendAsync($"POST / HTTP/1.1\r\nHost: {fleet.Host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{chunks}");
        chunkedAnswer.Status.Should().Be(400);
        chunkedAnswer.Body.Should().Be("the body is larger than 1024 bytes\n");

        await ThenNothingWasWritten_AndTheListenerStillWorksAsync(fleet, before);
    }

    [Fact]
    public async Task AnUnknownId_IsCounted_ListedForTheOperator_AndLoggedOncePerHour()
    {
        await using var fleet = await DeviceFleet.StartAsync();

        for (var i = 0; i < 3; i++)
        {
            (await fleet.ReportAsync("id=typo-in-the-app&lat=52&lon=4.9")).Status.Should().Be(400);
        }

        var list = (await fleet.Server.AdminAsync("/admin/devices/unknown", new { })).ShouldSucceed()["list"].EnumerateArray().ToList();
        list.Should().ContainSingle();
        list[0].GetProperty("device_id").GetString().Should().Be("typo-in-the-app");
        list[0].GetProperty("requests").GetInt64().Should().Be(3);
        list[0].GetProperty("last_address").GetString().Should().Be("127.0.0.1");
        list[0].GetProperty("first_seen").GetString().Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$");
        await Eventually.Until(() => Task.FromResult(Logs.Contain(fleet.Server, "Device typo-in-the-app from 127.0.0.1 has no tracker")),
            TimeSpan.FromSeconds(5), "the unknown device's log line");
        LogLines(fleet.Server, "Device typo-in-the-app from").Should().Be(1, "an id is logged once per hour, however often it reports");

        (await fleet.Server.AdminAsync("/admin/trackers", new { login = "phones", label = "Found", device_id = "typo-in-the-app", model = "osmand" })).ShouldSucceed();
        (await fleet.ReportAsync("id=typo-in-the-app&lat=52&lon=4.9")).Status.Should().Be(200, "a tracker created for the id takes its next point");
        (await fleet.Server.AdminAsync("/admin/devices/unknown", new { })).ShouldSucceed()["list"].GetArrayLength().Should().Be(0);
    }

    private static async Task ThenNothingWasWritten_AndTheListenerStillWorksAsync(DeviceFleet fleet, long before)
    {
        (await fleet.Server.CurrentVersionAsync()).Should().Be(before, "nothing of a refused request is written");
        (await fleet.ReportAsync($"id={fleet.DeviceA}&lat=52.5&lon=4.5")).Status.Should().Be(200);
        (await fleet.StateAsync(fleet.A)).GetProperty("gps").GetProperty("location").GetProperty("lat").GetDouble().Should().Be(52.5);
    }

    private static int LogLines(RunningServer server, string text) =>
        Directory.GetFiles(Path.Combine(server.Directory, "logs")).Sum(file =>
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Split('\n').Count(line => line.Contains(text, StringComparison.Ordinal));
        });
}

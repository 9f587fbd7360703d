using System.Text;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Devices;

/// <summary>
/// The device listener reads HTTP/1.1 itself (not through Kestrel's HTTP server): requests in one write or
/// byte by byte, chunked and 100-continue bodies, HTTP/1.0, framing it refuses, its limits and timeouts,
/// forwarded addresses, and a server that stops while devices keep their connections open.
/// </summary>
public sealed class DeviceHttpTests
{
    [Fact]
    public async Task TwoRequestsInOneWrite_AreBothStored_AndAnsweredInOrder()
    {
        await using var fleet = await DeviceFleet.StartAsync();
        await using var phone = await RawHttp.ConnectAsync(fleet.Devices);

        await phone.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET /?id={fleet.DeviceA}&lat=10.5&lon=1 HTTP/1.1\r\nHost: {fleet.Host}\r\n\r\n" +
            $"POST /?id={fleet.DeviceB}&lat=20.5&lon=2 HTTP/1.1\r\nHost: {fleet.Host}\r\nContent-Length: 0\r\n\r\n"));

        (await phone.ReadAsync()).Status.Should().Be(200);
        (await phone.ReadAsync()).Status.Should().Be(200);
        (await Latitude(fleet, fleet.A)).Should().Be(10.5);
        (await Latitude(fleet, fleet.B)).Should().Be(20.5);
        (await phone.SendAsync($"GET /?id={fleet.DeviceA}&lat=11.5&lon=1 HTTP/1.1\r\nHost: {fleet.Host}\r\n\r\n")).Status.Should().Be(200, "the connection is kept");
    }

    [Fact]
    public async Task ARequestSentByteByByte_IsStored()
    {
        await using var fleet = await DeviceFleet.StartAsync();
        await using var phone = await RawHttp.ConnectAsync(fleet.Devices);
        var body = $"{{\"device_id\":\"{fleet.DeviceA}\",\"location\":{{\"coords\":{{\"latitude\":30.25,\"longitude\":3}}}}}}";
        var request = $"POST / HTTP/1.1\r\nHost: {fleet.Host}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}";

        foreach (var b in Encoding.ASCII.GetBytes(request))
        {
            await phone.WriteAsync([b]);
        }

        (await phone.ReadAsync()).Status.Should().Be(200);
        (await Latitude(fleet, fleet.A)).Should().Be(30.25);
    }

    [Fact]
    public async Task AChunkedBody_AndOneSentAfter100Continue_AreStored()
    {
        await using var fleet = await DeviceFleet.StartAsync();
        await using var phone = await RawHttp.ConnectAsync(fleet.Devices);
        var json = $"{{\"device_id\":\"{fleet.DeviceA}\",\"location\":{{\"coords\":{{\"latitude\":40.5,\"longitude\":4}}}}}}";

        var chunked = await phone.SendAsync($"POST / HTTP/1.1\r\nHost: {fleet.Host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
            $"{10:x}\r\n{json[..10]}\r\n{json.Length - 10:x};ext=1\r\n{json[10..]}\r\n0\r\n\r\n");
        chunked.Status.Should().Be(200);
        (await Latitude(fleet, fleet.A)).Should().Be(40.5);

        var form = $"id={fleet.DeviceA}&lat=41.5&lon=4";
        var interim = await phone.SendAsync($"POST / HTTP/1.1\r\nHost: {fleet.Host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {form.Length}\r\nExpect: 100-continue\r\n\r\n");
        interim.Status.Should().Be(100, "the client waits for it before it sends the body");
        (await phone.SendAsync(form)).Status.Should().Be(200);
        (await Latitude(fleet, fleet.A)).Should().Be(41.5);
    }

    [Fact]
    public async Task Http10_IsClosedAfterItsAnswer_UnlessItAsksToBeKept()
    {
        await using var fleet = await DeviceFleet.StartAsync();

        await using var plain = await RawHttp.ConnectAsync(fleet.Devices);
        var closed = await plain.SendAsync($"GET /?id={fleet.DeviceA}&lat=1&lon=2 HTTP/1.0\r\n\r\n");
        closed.Status.Should().Be(200);
        closed.Headers["Connection"].Should().Be("close");
        (await plain.ClosedByServerAsync()).Should().BeTrue();

        await using var kept = await RawHttp.ConnectAsync(fleet.Devices);
        var answer = await kept.SendAsync($"GET /?id={fleet.DeviceA}&lat=1&lon=3 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        answer.Headers["Connection"].Should().Be("keep-alive");
        (await kept.SendAsync($"GET /?id={fleet.DeviceA}&lat=1&lon=4 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")).Status.Should().Be(200);
    }

    [Theory]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "Content-Length and Transfer-Encoding together")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 4\r\nContent-Length: 40\r\n\r\nid=1", 400, "Content-Length must be one number")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n", 400, "malformed chunked body")]
    [InlineData("GET /?id=1 HTTP/1.1\nHost: x\n\n", 400, "the request line must end in CRLF")]
    [InlineData("GET /?id=1 HTTP/3\r\n\r\n", 505, "HTTP/1.1 or HTTP/1.0 only")]
    [InlineData("GET /?id=1 HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400, "folded header lines are not accepted")]
    public async Task FramingItCannotTrust_IsAnsweredWithItsReason_AndTheConnectionClosed(string request, int status, string reason)
    {
        await using var fleet = await DeviceFleet.StartAsync();
        var before = await fleet.Server.CurrentVersionAsync();
        await using var client = await RawHttp.ConnectAsync(fleet.Devices);

        var answer = await client.SendAsync(request);

        (answer.Status, answer.Body).Should().Be((status, reason + "\n"));
        answer.Headers["Connection"].Should().Be("close");
        (await client.ClosedByServerAsync()).Should().BeTrue();
        (await fleet.Server.CurrentVersionAsync()).Should().Be(before);
        (await fleet.ReportAsync($"id={fleet.DeviceA}&lat=5&lon=5")).Status.Should().Be(200, "the listener is unharmed");
    }

    [Fact]
    public async Task HeadsPastKestrelsLimits_Are414And431()
    {
        await using var fleet = await DeviceFleet.StartAsync("Kestrel:Limits:MaxRequestLineSize=1024", "Kestrel:Limits:MaxRequestHeadersTotalSize=2048");

        var line = await RawHttp.SendOnceAsync(fleet.Devices, $"GET /?id={fleet.DeviceA}&note={new string('x', 1100)} HTTP/1.1\r\n\r\n");
        (line.Status, line.Body).Should().Be((414, "the request line is longer than 1024 bytes\n"));
        var headers = await RawHttp.SendOnceAsync(fleet.Devices, $"GET /?id={fleet.DeviceA} HTTP/1.1\r\nX-Big: {new string('x', 2100)}\r\n\r\n");
        (headers.Status, headers.Body).Should().Be((431, "the headers are larger than 2048 bytes\n"));
        var endless = await RawHttp.SendOnceAsync(fleet.Devices, $"GET /?id={fleet.DeviceA} HTTP/1.1\r\nX-Big: {new string('x', 4000)}");
        endless.Status.Should().Be(431, "refused once it is too large, without waiting for its end");
    }

    [Fact]
    public async Task ADeviceThatStopsMidRequest_Gets408_AndAnIdleConnectionIsClosed()
    {
        await using var fleet = await DeviceFleet.StartAsync("Kestrel:Limits:RequestHeadersTimeout=00:00:01", "Kestrel:Limits:KeepAliveTimeout=00:00:02");

        await using var stalled = await RawHttp.ConnectAsync(fleet.Devices);
        await stalled.WriteAsync(Encoding.ASCII.GetBytes($"GET /?id={fleet.DeviceA}&lat=1&lon=2 HTTP/1.1\r\nHost: "));
        var timedOut = await stalled.ReadAsync();
        (timedOut.Status, timedOut.Body).Should().Be((408, "the request did not arrive in time\n"));
        (await stalled.ClosedByServerAsync()).Should().BeTrue();

        await using var idle = await RawHttp.ConnectAsync(fleet.Devices);
        (await idle.SendAsync($"GET /?id={fleet.DeviceA}&lat=1&lon=2 HTTP/1.1\r\n\r\n")).Status.Should().Be(200);
        (await idle.ClosedByServerAsync()).Should().BeTrue("closed after the keep-alive timeout, without an answer");
    }

    [Fact]
    public async Task BehindAKnownProxy_TheForwardedAddressIsTheDevicesOwn()
    {
        await using var fleet = await DeviceFleet.StartAsync();

        var answer = await RawHttp.SendOnceAsync(fleet.Devices, $"GET /?id=behind-a-proxy&lat=1&lon=2 HTTP/1.1\r\nX-Forwarded-For: 198.51.100.1, 203.0.113.9\r\n\r\n");

        answer.Status.Should().Be(400);
        var list = (await fleet.Server.AdminAsync("/admin/devices/unknown", new { })).ShouldSucceed()["list"].EnumerateArray().ToList();
        list.Should().ContainSingle().Which.GetProperty("last_address").GetString().Should().Be("203.0.113.9", "the loopback proxy is a known one; its last hop counts");
    }

    [Fact]
    public async Task AStoppingServer_ClosesTheDevicesKeptConnections_WithoutWaitingForTheirTimeout()
    {
        var fleet = await DeviceFleet.StartAsync();
        await using var phone = await RawHttp.ConnectAsync(fleet.Devices);
        (await phone.SendAsync($"GET /?id={fleet.DeviceA}&lat=1&lon=2 HTTP/1.1\r\n\r\n")).Status.Should().Be(200);

        // Kestrel waits up to the host's shutdown timeout (30 s) for connections that do not close when asked
        await fleet.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));

        (await phone.ClosedByServerAsync()).Should().BeTrue();
    }

    private static async Task<double> Latitude(DeviceFleet fleet, long tracker) =>
        (await fleet.StateAsync(tracker)).GetProperty("gps").GetProperty("location").GetProperty("lat").GetDouble();
}

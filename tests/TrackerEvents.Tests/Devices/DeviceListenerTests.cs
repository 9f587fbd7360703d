using Microsoft.Extensions.DependencyInjection;
using System.Net;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Devices;

/// <summary>The device listener's port serves the device protocols and nothing else; the main port never serves them.</summary>
public sealed class DeviceListenerTests
{
    [Theory]
    [InlineData("GET /v2/user/auth?login=phones&password=secret-password HTTP/1.1")]
    [InlineData("GET /health/live HTTP/1.1")]
    [InlineData("GET /metrics HTTP/1.1")]
    [InlineData("GET /admin/changes HTTP/1.1")]
    [InlineData("GET /v2/event/subscription?X-Atmosphere-Transport=long-polling&X-Atmosphere-tracking-id=0 HTTP/1.1")]
    [InlineData("GET /track?id=x HTTP/1.1")]
    public async Task OnTheDevicePort_EverythingButDevicePoints_IsNotFound(string requestLine)
    {
        await using var fleet = await DeviceFleet.StartAsync();

        var answer = await RawHttp.SendOnceAsync(fleet.Devices, $"{requestLine}\r\nHost: {fleet.Host}\r\nX-Api-Key: {RunningServer.AdminKey}\r\n\r\n");

        answer.Status.Should().Be(404);
        answer.Body.Should().Be("not found: devices report to /\n");
    }

    [Fact]
    public async Task AWebSocketUpgrade_OnTheDevicePort_IsNotFound()
    {
        await using var fleet = await DeviceFleet.StartAsync();

        var connect = () => AtmosphereSocket.ConnectAsync(fleet.Devices);

        (await connect.Should().ThrowAsync<System.Net.WebSockets.WebSocketException>()).Which.Message.Should().Contain("404");
    }

    [Fact]
    public async Task OnTheMainPort_ADevicePoint_IsNotServed_EvenWithTheDevicePortInTheHostHeader()
    {
        await using var fleet = await DeviceFleet.StartAsync();
        var main = fleet.Server.BaseAddress;
        var before = await fleet.Server.CurrentVersionAsync();

        var answer = await RawHttp.SendOnceAsync(main, $"GET /?id={fleet.DeviceA}&lat=1&lon=2 HTTP/1.1\r\nHost: {fleet.Host}\r\n\r\n");

        answer.Headers["Content-Type"].Should().StartWith("text/html", "the main port's / is the monitoring page");
        answer.Body.Should().Contain("<html");
        (await fleet.Server.CurrentVersionAsync()).Should().Be(before, "nothing was stored");
        (await fleet.Server.CallAsync("user/auth", new { login = "phones", password = "secret-password" })).ShouldSucceed();
    }

    [Fact]
    public async Task OnlyGetAndPost_AreDeviceRequests()
    {
        await using var fleet = await DeviceFleet.StartAsync();

        var answer = await RawHttp.SendOnceAsync(fleet.Devices, $"PUT /?id={fleet.DeviceA}&lat=1&lon=2 HTTP/1.1\r\nHost: {fleet.Host}\r\nContent-Length: 0\r\n\r\n");

        answer.Status.Should().Be(405);
        answer.Headers["Allow"].Should().Be("GET, POST");
    }

    [Fact]
    public async Task TurnedOff_ThereIsNoDeviceListener_AndTheServerRunsAsBefore()
    {
        await using var server = await RunningServer.StartAsync("Devices:Enabled=false");

        server.DeviceAddress.Should().BeNull();
        server.App.Services.GetRequiredService<TrackerEvents.Hosting.Listeners>().Addresses(TrackerEvents.Hosting.Listeners.Devices).Should().BeEmpty();
        (await server.Http.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}

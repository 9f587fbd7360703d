using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using TrackerEvents.Hosting;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Protocol;

/// <summary><c>Atmosphere:Transports</c> and the other rules that decide which transport a request may use.</summary>
public sealed class TransportSettingTests
{
    [Fact]
    public async Task WithWebSocketsOff_UpgradesAreRefusedWith501_AndTheHttpTransportsServe()
    {
        await using var server = await RunningServer.StartAsync("Atmosphere:Transports=long-polling, streaming");

        var upgrade = async () => await AtmosphereSocket.ConnectAsync(server);

        (await upgrade.Should().ThrowAsync<WebSocketException>()).Which.Message.Should().Contain("501");
        await new LongPoller(server.Http, trackMessageSize: false).HandshakePollAsync();
        await using var stream = await AtmosphereStream.OpenAsync(server.Http);
        await stream.ReadHandshakeAsync();
    }

    [Fact]
    public async Task ATransportSwitchedOff_Is501_AndPushNeedsAnHttpTransport()
    {
        await using var server = await RunningServer.StartAsync("Atmosphere:Transports=websocket,streaming");
        using (var poll = await server.Http.GetAsync(AtmosphereHttp.Query("long-polling", null, trackMessageSize: false)))
        {
            poll.StatusCode.Should().Be(HttpStatusCode.NotImplemented);
            (await poll.Content.ReadAsStringAsync()).Should().Contain("long-polling");
        }

        using (var push = await AtmosphereHttp.PushAsync(server.Http, Guid.NewGuid().ToString(), "X"))
        {
            push.StatusCode.Should().Be(HttpStatusCode.NotFound, "streaming clients push by POST: served, though no client has this tracking id");
        }

        await using var websocketOnly = await RunningServer.StartAsync("Atmosphere:Transports=websocket");
        using var refused = await AtmosphereHttp.PushAsync(websocketOnly.Http, Guid.NewGuid().ToString(), "X");
        refused.StatusCode.Should().Be(HttpStatusCode.NotImplemented);
    }

    [Theory]
    [InlineData("Atmosphere:Transports=carrier-pigeon")]
    [InlineData("Atmosphere:Transports= , ")]
    [InlineData("Atmosphere:Transports=")]
    public async Task AnUnknownTransportName_StopsStartUp_NamingTheSetting(string setting)
    {
        var directory = Path.Combine(Path.GetTempPath(), "trackerevents-tests", Guid.NewGuid().ToString("N"));

        var start = async () =>
        {
            await using var app = RunningServer.Build(directory, null, setting);
            await TrackerEventsApp.StartAsync(app, CancellationToken.None);
        };

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("Atmosphere:Transports");
    }

    [Fact]
    public async Task TheOriginAllowList_AppliesToTheHttpTransports()
    {
        await using var server = await RunningServer.StartAsync("Atmosphere:AllowedOrigins:0=https://fleet.example.com");

        using (var evil = await server.Http.SendAsync(WithOrigin(AtmosphereHttp.Query("long-polling", null, false), "https://evil.example.net")))
        {
            evil.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        }

        using (var evilPush = await AtmosphereHttp.PushAsync(server.Http, Guid.NewGuid().ToString(), "{}", r => r.Headers.Add("Origin", "https://evil.example.net")))
        {
            evilPush.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        }

        using (var good = await server.Http.SendAsync(WithOrigin(AtmosphereHttp.Query("long-polling", null, false), "https://fleet.example.com")))
        {
            good.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        await new LongPoller(server.Http, trackMessageSize: false).HandshakePollAsync(); // no Origin: not a browser
    }

    [Theory]
    [InlineData("GET", "sse")]
    [InlineData("GET", "jsonp")]
    [InlineData("GET", "polling")]
    [InlineData("POST", "websocket")]
    public async Task TransportsThatAreNotServed_AreAClearError(string method, string transport)
    {
        await using var server = await RunningServer.StartAsync();

        using var response = await server.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method),
            $"{AtmosphereHttp.Path}?X-Atmosphere-tracking-id=0&X-Atmosphere-Transport={transport}&X-atmo-protocol=true"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("long-polling").And.Contain("streaming");
    }

    private static HttpRequestMessage WithOrigin(string url, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Origin", origin);
        return request;
    }
}

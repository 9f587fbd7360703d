using System.Net;
using System.Net.WebSockets;
using TrackerEvents.Subscriptions;
using TrackerEvents.Connections;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Protocol;

public sealed class ConnectionTests
{
    [Theory]
    [InlineData("/v2/event/subscription", false)]
    [InlineData("/event/subscription", true)]
    public async Task FirstConnect_SendsTheHandshakeAsItsOwnFirstFrame(string path, bool trackMessageSize)
    {
        await using var server = await RunningServer.StartAsync();
        await using var socket = await AtmosphereSocket.ConnectAsync(server, trackMessageSize: trackMessageSize, path: path);

        var handshake = await socket.ReadHandshakeAsync();

        handshake.Should().MatchRegex(trackMessageSize ? @"^45\|[0-9a-f-]{36}\|30000\|X\|$" : @"^[0-9a-f-]{36}\|30000\|X\|$");
        Guid.TryParse(socket.TrackingId, out _).Should().BeTrue();
    }

    [Fact]
    public async Task WithoutTheAtmoProtocolParameter_NoHandshakeIsSent()
    {
        await using var server = await RunningServer.StartAsync();
        await using var socket = await AtmosphereSocket.ConnectAsync(server, protocol: false);

        await socket.SendAsync("{\"action\":\"subscribe\"}");

        (await socket.NextMessageAsync()).GetProperty("type").GetString().Should().Be("error", "the first frame is the answer, not a handshake");
    }

    [Theory]
    [InlineData(false, "X")]
    [InlineData(true, "1|X")]
    public async Task Reconnect_GetsNoHandshake_ButTheHeartbeatFrame(bool trackMessageSize, string heartbeat)
    {
        await using var server = await RunningServer.StartAsync();
        await using var socket = await AtmosphereSocket.ConnectAsync(server, trackingId: Guid.NewGuid().ToString(), trackMessageSize: trackMessageSize);

        var first = await socket.NextFrameAsync();

        first.Text.Should().Be(heartbeat, "atmosphere.js fires onReopen on any frame, and a raw client skips heartbeats");
    }

    [Theory]
    [InlineData(false, "X")]
    [InlineData(true, "1|X")]
    public async Task AnIdleConnection_GetsServerHeartbeats(bool trackMessageSize, string heartbeat)
    {
        await using var server = await RunningServer.StartAsync("Atmosphere:ServerHeartbeat=00:00:00.500");
        await using var socket = await AtmosphereSocket.ConnectAsync(server, trackMessageSize: trackMessageSize);
        await socket.ReadHandshakeAsync();

        (await socket.NextFrameAsync(TimeSpan.FromSeconds(5))).Text.Should().Be(heartbeat);
        (await socket.NextFrameAsync(TimeSpan.FromSeconds(5))).Text.Should().Be(heartbeat);
    }

    [Fact]
    public async Task HeartbeatServerZero_TurnsServerHeartbeatsOff()
    {
        await using var server = await RunningServer.StartAsync("Atmosphere:ServerHeartbeat=00:00:00.300");
        await using var socket = await AtmosphereSocket.ConnectAsync(server, extraQuery: "X-Heartbeat-Server=0");
        await socket.ReadHandshakeAsync();

        var silent = async () => await socket.NextFrameAsync(TimeSpan.FromSeconds(1.5));

        await silent.Should().ThrowAsync<TimeoutException>();
    }

    [Fact]
    public async Task ClientHeartbeatsPingsAndPathPrefixes_AreHandledQuietly()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("hb");
        var hash = await server.LoginAsync("hb");
        await using var socket = await AtmosphereSocket.ConnectAsync(server);
        await socket.ReadHandshakeAsync();

        await socket.SendAsync("X");
        await socket.SendAsync("ping");
        await socket.SendAsync("  ");
        await socket.SendAsync($"@@/v2/event/subscription@@{{\"action\":\"subscribe\",\"hash\":\"{hash}\",\"requests\":[{{\"type\":\"state_batch\",\"target\":{{\"type\":\"all\"}}}}]}}");

        var answer = await socket.NextMessageAsync();
        answer.GetProperty("type").GetString().Should().Be("response", "heartbeats, pings and blanks get no answer; the prefixed action does");
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task CloseRequest_Answers200Empty_AndReleasesTheClient(string method)
    {
        await using var server = await RunningServer.StartAsync();
        await using var socket = await AtmosphereSocket.ConnectAsync(server);
        await socket.ReadHandshakeAsync();
        var registry = server.Service<ClientRegistry>();
        var slots = server.Service<ConnectionSlots>();
        registry.Find(socket.TrackingId!).Should().NotBeNull();

        var response = await server.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method),
            $"/v2/event/subscription?X-Atmosphere-Transport=close&X-Atmosphere-tracking-id={socket.TrackingId}&_=1"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().BeEmpty();
        registry.Find(socket.TrackingId!).Should().BeNull();
        (await socket.WaitClosedAsync(TimeSpan.FromSeconds(5))).Should().NotBe(WebSocketCloseStatus.NormalClosure);
        (await server.Http.GetAsync("/event/subscription?X-Atmosphere-Transport=close&X-Atmosphere-tracking-id=unknown")).StatusCode
            .Should().Be(HttpStatusCode.OK, "an unknown tracking id is a no-op");
    }

    [Fact]
    public async Task PastTheProcessConnectionLimit_NewConnectionsAreRefused_AndExistingOnesCarryOn()
    {
        await using var server = await RunningServer.StartAsync("Atmosphere:MaxConnections=2");
        await using var one = await AtmosphereSocket.ConnectAsync(server);
        await using var two = await AtmosphereSocket.ConnectAsync(server);
        await one.ReadHandshakeAsync();
        await two.ReadHandshakeAsync();

        var third = async () => await AtmosphereSocket.ConnectAsync(server);

        (await third.Should().ThrowAsync<WebSocketException>()).Which.Message.Should().Contain("503");
        await one.SendAsync("{}");
        (await one.NextMessageAsync()).GetProperty("type").GetString().Should().Be("error");
        await two.CloseAsync();
        await Eventually.Until(() => Task.FromResult(server.Service<ConnectionSlots>().Connections < 2), TimeSpan.FromSeconds(5), "the slot to free");
        await using var again = await AtmosphereSocket.ConnectAsync(server);
        await again.ReadHandshakeAsync();
    }

    [Fact]
    public async Task PastTheAddressConnectionLimit_ThatAddressIsRefusedWith429_AndOtherAddressesAreNot()
    {
        // Behind a known proxy (the test client is on loopback, which is one) the forwarded address counts.
        await using var server = await RunningServer.StartAsync("Atmosphere:MaxConnectionsPerAddress=2");
        Task<AtmosphereSocket> From(string address) =>
            AtmosphereSocket.ConnectAsync(server, configure: o => o.SetRequestHeader("X-Forwarded-For", address));
        await using var one = await From("203.0.113.5");
        await using var two = await From("203.0.113.5");
        await one.ReadHandshakeAsync();
        await two.ReadHandshakeAsync();

        var third = async () => await From("203.0.113.5");
        (await third.Should().ThrowAsync<WebSocketException>()).Which.Message.Should().Contain("429");
        using var stream = new HttpRequestMessage(HttpMethod.Get,
            "/v2/event/subscription?X-Atmosphere-tracking-id=0&X-Atmosphere-Transport=streaming&X-atmo-protocol=true");
        stream.Headers.Add("X-Forwarded-For", "203.0.113.5");
        using var refused = await server.Http.SendAsync(stream, HttpCompletionOption.ResponseHeadersRead);
        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "held HTTP requests count against the address too");

        await using var other = await From("203.0.113.6");
        await other.ReadHandshakeAsync();
        await one.SendAsync("{}");
        (await one.NextMessageAsync()).GetProperty("type").GetString().Should().Be("error", "the connections already open carry on");

        var registry = server.Service<ClientRegistry>();

        var slots = server.Service<ConnectionSlots>();
        slots.Addresses.Should().Be(2);
        await two.CloseAsync();
        await Eventually.Until(() => Task.FromResult(slots.Connections == 2), TimeSpan.FromSeconds(5), "the slot to free");
        await using var again = await From("203.0.113.5");
        await again.ReadHandshakeAsync();
        await Eventually.Until(() => Task.FromResult(Logs.Contain(server, "203.0.113.5 already holds 2 connections")), TimeSpan.FromSeconds(10),
            "the refusal to be logged with the address");
    }

    [Fact]
    public async Task OriginAllowList_RefusesOtherBrowserOrigins_AndAcceptsNonBrowserClients()
    {
        await using var server = await RunningServer.StartAsync("Atmosphere:AllowedOrigins:0=https://fleet.example.com");

        var evil = async () => await AtmosphereSocket.ConnectAsync(server, configure: o => o.SetRequestHeader("Origin", "https://evil.example.net"));
        (await evil.Should().ThrowAsync<WebSocketException>()).Which.Message.Should().Contain("403");

        await using var good = await AtmosphereSocket.ConnectAsync(server, configure: o => o.SetRequestHeader("Origin", "https://fleet.example.com"));
        await good.ReadHandshakeAsync();
        await using var backend = await AtmosphereSocket.ConnectAsync(server);
        await backend.ReadHandshakeAsync();
    }

    [Fact]
    public async Task PlainHttpGetOfTheEndpoint_IsAClearError()
    {
        await using var server = await RunningServer.StartAsync();

        var response = await server.Http.GetAsync("/v2/event/subscription");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("WebSocket");
    }

    [Fact]
    public async Task ServerShutdown_ClosesConnectionsWith1001()
    {
        var server = await RunningServer.StartAsync();
        await using var socket = await AtmosphereSocket.ConnectAsync(server);
        await socket.ReadHandshakeAsync();

        var stopping = server.DisposeAsync().AsTask();

        (await socket.WaitClosedAsync(TimeSpan.FromSeconds(10))).Should().Be(WebSocketCloseStatus.EndpointUnavailable);
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
    }
}

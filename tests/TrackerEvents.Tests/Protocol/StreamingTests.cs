using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TrackerEvents.Subscriptions;
using TrackerEvents.Connections;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Protocol;

/// <summary>The streaming transport over raw HTTP: one response kept open, written to as messages come.</summary>
public sealed class StreamingTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AFirstConnect_GetsTheHandshakeFirst_ThenEachMessageAsItComes(bool trackMessageSize)
    {
        await using var fleet = await Fleet.StartAsync();
        await using var stream = await AtmosphereStream.OpenAsync(fleet.Server.Http, trackMessageSize: trackMessageSize);

        var handshake = await stream.ReadHandshakeAsync();

        handshake.Should().MatchRegex(@"^[0-9a-f-]{36}\|30000\|X\|$");
        stream.Raw.Should().StartWith(trackMessageSize ? "45|" : stream.TrackingId, "the handshake is the first thing written");
        stream.Response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        stream.Response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        await AtmosphereHttp.SubscribeAsync(fleet.Server.Http, stream.TrackingId!, fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        (await stream.NextMessageAsync()).GetProperty("type").GetString().Should().Be("response");
        (await stream.NextEventAsync("state")).GetProperty("data").GetProperty("source_id").GetInt64().Should().Be(fleet.SourceA);
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 31 } });
        (await stream.NextEventAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(31);
        stream.Ended.IsCompleted.Should().BeFalse("the stream stays open");
    }

    [Fact]
    public async Task AStreamWithAKnownTrackingId_GetsWhitespaceFirst_AndNoHandshake()
    {
        await using var server = await RunningServer.StartAsync("Atmosphere:ServerHeartbeat=00:00:00.500");
        await using var stream = await AtmosphereStream.OpenAsync(server.Http, Guid.NewGuid().ToString(), trackMessageSize: true);

        (await stream.NextItemAsync()).Should().Be("X", "after the whitespace, an idle stream gets heartbeats");
        stream.Raw.Should().StartWith(" ").And.Subject.Should().NotContain("30000", "no handshake on a reconnect");
        (await stream.NextItemAsync()).Should().Be("X");
        stream.Raw.TrimStart().Should().Be("1|X1|X");
    }

    [Fact]
    public async Task WithoutLengthTracking_MessagesAreWrittenApart_SoThatABrowserCannotMergeThem()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var stream = await AtmosphereStream.OpenAsync(fleet.Server.Http);
        await stream.ReadHandshakeAsync();

        await AtmosphereHttp.SubscribeAsync(fleet.Server.Http, stream.TrackingId!, fleet.Hash, new { type = "state", trackers = new[] { fleet.A, fleet.B } });
        await stream.NextMessageAsync();
        var watch = Stopwatch.StartNew();
        await stream.NextEventAsync("state");
        await stream.NextEventAsync("state");

        watch.Elapsed.Should().BeGreaterThan(TimeSpan.FromMilliseconds(100), "three waiting messages go out at least 60 ms apart");
    }

    [Fact]
    public async Task TheCloseRequest_EndsTheStream_AndReleasesTheClient()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var stream = await AtmosphereStream.OpenAsync(fleet.Server.Http);
        await stream.ReadHandshakeAsync();
        var registry = fleet.Server.Service<ClientRegistry>();
        var slots = fleet.Server.Service<ConnectionSlots>();

        using var close = await fleet.Server.Http.PostAsync($"{AtmosphereHttp.Path}?X-Atmosphere-Transport=close&X-Atmosphere-tracking-id={stream.TrackingId}",
            new StringContent(""));

        close.StatusCode.Should().Be(HttpStatusCode.OK);
        registry.Find(stream.TrackingId!).Should().BeNull();
        await stream.Ended.WaitAsync(TimeSpan.FromSeconds(5));
        await Eventually.Until(() => Task.FromResult(slots.Connections == 0), TimeSpan.FromSeconds(5), "the connection to be released");
    }

    [Fact]
    public async Task AfterEightMegabytes_TheServerEndsTheStream_AndTheNextOneCarriesOnWithoutASubscribe()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("big");
        var trackers = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            trackers.Add((await server.CreateTrackerAsync("big", $"Truck {i}")).Id);
        }

        var hash = await server.LoginAsync("big");
        var stream = await AtmosphereStream.OpenAsync(server.Http, trackMessageSize: true);
        await stream.ReadHandshakeAsync();
        await AtmosphereHttp.SubscribeAsync(server.Http, stream.TrackingId!, hash, new { type = "state", trackers });
        var client = server.Service<ClientRegistry>().Find(stream.TrackingId!)!;
        var transport = client.Transport;
        var dispatcher = server.Service<Dispatch.ChangeDispatcher>();
        for (var round = 1; round <= 8 && !stream.Ended.IsCompleted; round++)
        {
            var filler = new string((char)('a' + round), 100_000);
            (await server.IngestStatesAsync(trackers.Select(id => (object)new { tracker_id = id, gps = new { speed = round }, additional = new { filler } }).ToArray()))
                .ShouldSucceed();
            // Each round is dispatched and taken by the stream before the next one is written: otherwise the
            // feed or the outbox would (rightly) hand on only the newer state of a tracker, and fewer bytes.
            var version = await server.CurrentVersionAsync();
            await Eventually.Until(() => Task.FromResult(stream.Ended.IsCompleted || (dispatcher.Watermark >= version && !client.HasPending)),
                TimeSpan.FromSeconds(10), "the round to be written");
        }

        await stream.Ended.WaitAsync(TimeSpan.FromSeconds(10));
        Encoding.UTF8.GetByteCount(stream.Raw).Should().BeInRange((int)StreamingTransport.MaxStreamBytes, (int)StreamingTransport.MaxStreamBytes + 200_000);
        await stream.DisposeAsync();

        await using var next = await AtmosphereStream.OpenAsync(server.Http, client.TrackingId, trackMessageSize: true);
        await server.IngestStatesAsync(new { tracker_id = trackers[0], gps = new { speed = 99 }, additional = new { filler = "" } });
        (await next.NextMessageAsync(m => AtmosphereHttp.IsEvent(m, "state") && m.GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32() == 99))
            .Should().NotBeNull();
        client.Transport.Should().BeSameAs(transport, "the next stream continues the same connection");
    }

    [Fact]
    public async Task AStalledStream_IsCutAfterTheStallTimeout_WithALoggedReason_AndTheClientIsRetained()
    {
        await using var server = await RunningServer.StartAsync("Atmosphere:StallTimeout=00:00:01");
        await server.CreateUserAsync("busy");
        var trackers = new List<long>();
        for (var i = 0; i < 40; i++)
        {
            trackers.Add((await server.CreateTrackerAsync("busy", $"Truck {i}")).Id);
        }

        var hash = await server.LoginAsync("busy");
        using var tcp = new TcpClient { ReceiveBufferSize = 4096 };
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
        var network = tcp.GetStream();
        await network.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET {AtmosphereHttp.Query("streaming", null, trackMessageSize: true)} HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\n\r\n"));
        var head = new byte[4096];
        var text = "";
        while (!text.Contains("30000|X|", StringComparison.Ordinal))
        {
            text += Encoding.ASCII.GetString(head, 0, await network.ReadAsync(head));
        }

        var trackingId = System.Text.RegularExpressions.Regex.Match(text, @"[0-9a-f]{8}-[0-9a-f-]{27}").Value;
        await AtmosphereHttp.SubscribeAsync(server.Http, trackingId, hash, new { type = "state", trackers });
        for (var round = 1; round <= 3; round++)
        {
            var filler = new string((char)('a' + round), 100_000);
            (await server.IngestStatesAsync(trackers.Select(id => (object)new { tracker_id = id, gps = new { speed = round }, additional = new { filler } }).ToArray()))
                .ShouldSucceed();
        }

        await Eventually.Until(() => Task.FromResult(Logs.Contain(server, "slow consumer")), TimeSpan.FromSeconds(15), "the stalled stream to be cut with a logged reason");
        var client = server.Service<ClientRegistry>().Find(trackingId);
        client.Should().NotBeNull("the client is retained for its reconnect");
        client!.IsConnected.Should().BeFalse();
        var drained = async () =>
        {
            try
            {
                while (await network.ReadAsync(head) > 0)
                {
                }
            }
            catch (IOException)
            {
                // reset: the connection was aborted rather than ended
            }
        };
        await drained.Should().CompleteWithinAsync(TimeSpan.FromSeconds(10), "the connection was cut");
    }

    [Fact]
    public async Task AStreamingClientThatSendsNothing_IsClosedAfterTheDeadPeerWindow_WhileOneThatSendsHeartbeatsStays()
    {
        await using var server = await RunningServer.StartAsync("Atmosphere:ClientHeartbeat=00:00:01", "Atmosphere:DeadPeerIntervals=2");
        await using var silent = await AtmosphereStream.OpenAsync(server.Http);
        await using var beating = await AtmosphereStream.OpenAsync(server.Http);
        (await silent.ReadHandshakeAsync()).Should().EndWith("|1000|X|", "clients are told to send a heartbeat every second");
        await beating.ReadHandshakeAsync();
        using var stop = new CancellationTokenSource();
        var heartbeats = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var answer = await AtmosphereHttp.PushAsync(server.Http, beating.TrackingId!, "X");
                await Task.Delay(300); // the client's heartbeat interval (the behaviour under test, not a wait)
            }
        });

        await silent.Ended.WaitAsync(TimeSpan.FromSeconds(10));

        await Eventually.Until(() => Task.FromResult(Logs.Contain(server, "dead peer: nothing heard from the client for 2 s")), TimeSpan.FromSeconds(5),
            "the reason in the log");
        beating.Ended.IsCompleted.Should().BeFalse("its heartbeats are heard");
        server.Service<ClientRegistry>().Find(silent.TrackingId!).Should().NotBeNull("the silent client is retained for its reconnect");
        await stop.CancelAsync();
        await heartbeats;
    }

    [Fact]
    public async Task ServerShutdown_EndsStreamsAndHeldPolls()
    {
        var server = await RunningServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress }; // the server's own client is disposed first
        var stream = await AtmosphereStream.OpenAsync(http);
        await stream.ReadHandshakeAsync();
        var poller = new LongPoller(http, trackMessageSize: false);
        await poller.HandshakePollAsync();
        var held = poller.PollAsync(TimeSpan.FromSeconds(30), extraQuery: "X-Heartbeat-Server=0");
        await Eventually.Until(() => Task.FromResult(server.Service<ConnectionSlots>().Connections == 2), TimeSpan.FromSeconds(5), "both to be open");

        var stopping = server.DisposeAsync().AsTask();

        await stream.Ended.WaitAsync(TimeSpan.FromSeconds(10));
        (await held.WaitAsync(TimeSpan.FromSeconds(10))).Body.Trim().Should().BeEmpty();
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
        await stream.DisposeAsync();
    }
}

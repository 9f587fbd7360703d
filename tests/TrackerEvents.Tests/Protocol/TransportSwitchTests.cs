using System.Net;
using TrackerEvents.Subscriptions;
using TrackerEvents.Connections;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Protocol;

/// <summary>A client moves between transports with its tracking id, and keeps its subscriptions and what was written for it.</summary>
public sealed class TransportSwitchTests
{
    [Fact]
    public async Task FromWebSocketToLongPolling_TheSubscriptionsAndTheChangesOfTheGapCarryOver()
    {
        await using var fleet = await Fleet.StartAsync();
        var socket = await fleet.ConnectAsync();
        await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        await socket.NextEventAsync("state");
        var client = fleet.Server.Service<ClientRegistry>().Find(socket.TrackingId!)!;
        socket.Abort();
        await Eventually.Until(() => Task.FromResult(!client.IsConnected), TimeSpan.FromSeconds(5), "the server to notice the drop");
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 55 } });

        var poller = new LongPoller(fleet.Server.Http, trackMessageSize: false) { TrackingId = socket.TrackingId };

        (await poller.NextEventAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(55);
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 56 } });
        (await poller.NextEventAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(56);
        fleet.Server.Service<ClientRegistry>().Find(socket.TrackingId!).Should().BeSameAs(client);
        await socket.DisposeAsync();
    }

    [Fact]
    public async Task FromLongPollingToWebSocket_TheSocketTakesOver_AndTheHeldPollEnds()
    {
        await using var fleet = await Fleet.StartAsync();
        var poller = await fleet.PollingOnAAsync(trackMessageSize: true);
        var held = poller.PollAsync(TimeSpan.FromSeconds(20), extraQuery: "X-Heartbeat-Server=0");
        await Eventually.Until(() => Task.FromResult(fleet.Server.Service<ConnectionSlots>().Connections == 1), TimeSpan.FromSeconds(5), "the poll to be held");

        await using var socket = await AtmosphereSocket.ConnectAsync(fleet.Server, poller.TrackingId, trackMessageSize: true);

        (await socket.NextFrameAsync()).Text.Should().Be("1|X", "a reconnect opens with a heartbeat frame, length-prefixed like every frame, not a handshake");
        (await held.WaitAsync(TimeSpan.FromSeconds(5))).Body.Trim().Should().BeEmpty("the replaced poll ends without a message");
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 12 } });
        (await socket.NextMessageAsync(m => AtmosphereHttp.IsEvent(m, "state") && m.GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32() == 12))
            .Should().NotBeNull();
    }

    [Fact]
    public async Task FromWebSocketToStreaming_AsAClientWhoseUpgradesAreRefusedAfterARestart()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var socket = await fleet.ConnectAsync(trackMessageSize: true);
        await socket.SubscribeAsync(fleet.Hash, new { type = "state_batch", target = new { type = "all" }, rate_limit = "100ms" });
        await socket.NextEventAsync("state_batch");
        var registry = fleet.Server.Service<ClientRegistry>();
        registry.Find(socket.TrackingId!)!.CloseTransport(Disconnect.Shutdown);
        await socket.WaitClosedAsync(TimeSpan.FromSeconds(5));

        await using var stream = await AtmosphereStream.OpenAsync(fleet.Server.Http, socket.TrackingId, trackMessageSize: true);
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.B, gps = new { speed = 64 } });

        var batch = await stream.NextMessageAsync(m => AtmosphereHttp.IsEvent(m, "state_batch")
            && m.GetProperty("data").EnumerateArray().Any(i => i.GetProperty("state").GetProperty("gps").GetProperty("speed").GetInt32() == 64));
        batch.Should().NotBeNull();
        stream.Raw.Should().StartWith(" ", "a stream with a known tracking id opens with whitespace");
        registry.Find(socket.TrackingId!)!.Transport.Should().BeOfType<StreamingTransport>();
    }

    [Fact]
    public async Task FromStreamingToLongPolling_AndBack_WithoutASubscribe()
    {
        await using var fleet = await Fleet.StartAsync();
        var stream = await AtmosphereStream.OpenAsync(fleet.Server.Http, trackMessageSize: true);
        await stream.ReadHandshakeAsync();
        await AtmosphereHttp.SubscribeAsync(fleet.Server.Http, stream.TrackingId!, fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        await stream.NextEventAsync("state");
        var poller = new LongPoller(fleet.Server.Http, trackMessageSize: true) { TrackingId = stream.TrackingId };

        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 1 } });
        (await poller.NextMessageAsync(m => AtmosphereHttp.IsEvent(m, "state") && m.GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32() == 1))
            .Should().NotBeNull();
        await stream.Ended.WaitAsync(TimeSpan.FromSeconds(5));
        await stream.DisposeAsync();

        await using var again = await AtmosphereStream.OpenAsync(fleet.Server.Http, poller.TrackingId, trackMessageSize: true);
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 2 } });
        (await again.NextMessageAsync(m => AtmosphereHttp.IsEvent(m, "state") && m.GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32() == 2))
            .Should().NotBeNull();
        again.Status.Should().Be(HttpStatusCode.OK);
    }
}

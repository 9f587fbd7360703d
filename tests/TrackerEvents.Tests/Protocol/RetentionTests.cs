using TrackerEvents.Subscriptions;
using TrackerEvents.Connections;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Protocol;

public sealed class RetentionTests
{
    [Fact]
    public async Task AfterADrop_AReconnectWithTheSameTrackingId_GetsTheLatestStateOfWhatChanged_WithoutSubscribing()
    {
        await using var fleet = await Fleet.StartAsync();
        var socket = await fleet.ConnectAsync();
        await socket.SubscribeAsync(fleet.Hash,
            new { type = "state", trackers = new[] { fleet.A } },
            new { type = "state_batch", target = new { type = "all" }, rate_limit = "200ms" });
        await socket.NextEventAsync("state");
        await socket.NextEventAsync("state_batch");
        var trackingId = socket.TrackingId!;
        var client = fleet.Server.Service<ClientRegistry>().Find(trackingId)!;

        socket.Abort();
        await Eventually.Until(() => Task.FromResult(!client.IsConnected), TimeSpan.FromSeconds(5), "the server to notice the drop");
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 55 } });
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 56 } });
        var committed = await fleet.Server.CurrentVersionAsync();
        var dispatcher = fleet.Server.Service<TrackerEvents.Dispatch.ChangeDispatcher>();
        await Eventually.Until(() => Task.FromResult(dispatcher.Watermark >= committed), TimeSpan.FromSeconds(5), "both changes to be dispatched during the gap");

        await using var again = await AtmosphereSocket.ConnectAsync(fleet.Server, trackingId);
        (await again.NextFrameAsync()).Text.Should().Be("X", "a reconnect opens with a heartbeat frame, not a handshake");
        var state = await again.NextEventAsync("state");
        state.GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(56, "only the latest state of the gap is kept");
        var batch = await again.NextEventAsync("state_batch");
        batch.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("state").GetProperty("gps").GetProperty("speed").GetInt32()).Should().Contain(56);
        await socket.DisposeAsync();
    }

    [Fact]
    public async Task AReconnectBeforeTheServerNoticedTheDrop_TakesOver_AndGetsRecentStatesAgain()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var old = await fleet.ConnectAsync();
        await old.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        await old.NextEventAsync("state");

        await using var takeover = await AtmosphereSocket.ConnectAsync(fleet.Server, old.TrackingId);

        (await takeover.NextFrameAsync()).Text.Should().Be("X");
        (await takeover.NextEventAsync("state")).GetProperty("data").GetProperty("source_id").GetInt64()
            .Should().Be(fleet.SourceA, "a state written to the old socket may never have arrived");
        (await old.WaitClosedAsync(TimeSpan.FromSeconds(5))).Should().NotBe(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure);
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 12 } });
        (await takeover.NextEventAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(12);
    }

    [Fact]
    public async Task AfterTheRetention_TheClientIsForgotten()
    {
        await using var fleet = await Fleet.StartAsync("Atmosphere:Retention=00:00:00.500");
        var socket = await fleet.ConnectAsync();
        await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        await socket.NextEventAsync("state");
        var registry = fleet.Server.Service<ClientRegistry>();

        socket.Abort();
        await Eventually.Until(() => Task.FromResult(registry.Find(socket.TrackingId!) is null), TimeSpan.FromSeconds(5), "the retention to expire");

        await using var again = await AtmosphereSocket.ConnectAsync(fleet.Server, socket.TrackingId);
        (await again.NextFrameAsync()).Text.Should().Be("X", "an unknown tracking id is adopted, still without a handshake");
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 1 } });
        await again.ExpectSilenceAsync(TimeSpan.FromMilliseconds(700));
        await socket.DisposeAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AfterAReconnect_EveryFrameButTheHeartbeat_IsOneJsonMessage_AndWhatWasKeptComesBeforeAResubscribe(bool trackMessageSize)
    {
        await using var fleet = await Fleet.StartAsync();
        var socket = await fleet.ConnectAsync(trackMessageSize);
        await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        await socket.NextEventAsync("state");
        var client = fleet.Server.Service<ClientRegistry>().Find(socket.TrackingId!)!;
        socket.Abort();
        await Eventually.Until(() => Task.FromResult(!client.IsConnected), TimeSpan.FromSeconds(5), "the server to notice the drop");
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 77 } });

        // A raw client, as the Navixy sample's onReopen would: it skips heartbeats and parses every other frame.
        await using var again = await AtmosphereSocket.ConnectAsync(fleet.Server, socket.TrackingId, trackMessageSize);
        var heartbeat = trackMessageSize ? "1|X" : "X";
        (await again.NextFrameAsync()).Text.Should().Be(heartbeat, "the reopen frame is the heartbeat, which such a client already skips");
        var kept = await NextJsonAsync(again, heartbeat);
        kept.GetProperty("event").GetString().Should().Be("state", "the change of the gap comes first, before any subscribe");
        kept.GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(77);
        await again.SendJsonAsync(new { action = "subscribe", hash = fleet.Hash, requests = new[] { new { type = "state", trackers = new[] { fleet.A } } } });
        System.Text.Json.JsonElement next;
        do
        {
            next = await NextJsonAsync(again, heartbeat); // states written just before the drop may come again
        }
        while (next.GetProperty("type").GetString() == "event");

        next.GetProperty("type").GetString().Should().Be("response");
        (await NextJsonAsync(again, heartbeat)).GetProperty("event").GetString().Should().Be("state", "a re-subscribe gets a fresh snapshot");
        await socket.DisposeAsync();
    }

    /// <summary>The next frame that is not the heartbeat, which must be exactly one JSON message (after its length prefix).</summary>
    private static async Task<System.Text.Json.JsonElement> NextJsonAsync(AtmosphereSocket socket, string heartbeat)
    {
        string text;
        do
        {
            text = (await socket.NextFrameAsync()).Text;
        }
        while (text == heartbeat);

        if (socket.TrackMessageSize)
        {
            text = text[(text.IndexOf('|') + 1)..];
        }

        using var document = System.Text.Json.JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task APeerThatAnswersNoPing_IsClosed_WithinTheDeadPeerWindow()
    {
        await using var server = await RunningServer.StartAsync("Atmosphere:ClientHeartbeat=00:00:01", "Atmosphere:DeadPeerIntervals=3");
        using var silent = await RawWebSocket.ConnectAsync(server.BaseAddress, "X-Atmosphere-tracking-id=0&X-Atmosphere-Transport=websocket&X-atmo-protocol=true");
        await using var alive = await AtmosphereSocket.ConnectAsync(server);
        await alive.ReadHandshakeAsync();

        (await silent.ServerClosesWithinAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
        alive.State.Should().Be(System.Net.WebSockets.WebSocketState.Open, "a peer that answers pings is alive");
    }
}

public sealed class RedeliveryOrderTests
{
    [Fact]
    public async Task ARedeliveredSnapshot_NeverReplacesANewerQueuedState_ButResendsTheSameVersion()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var socket = await fleet.ConnectAsync();
        await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        var snapshot = await socket.NextEventAsync("state");
        var client = fleet.Server.Service<ClientRegistry>().Find(socket.TrackingId!)!;
        var version = await fleet.Server.CurrentVersionAsync();
        var now = DateTimeOffset.UtcNow;
        TrackerEvents.Messages.StateRendering At(long v, int speed) => new(fleet.A, fleet.UserId, fleet.SourceA,
            TrackerEvents.Tracking.TrackerState.Initial with { Gps = TrackerEvents.Tracking.GpsState.Empty with { Speed = speed } }, v, now);

        // A newer state is dispatched while a reconnect's snapshot (older) is being read.
        client.Subscriptions.DeliverStates([At(version + 20, 202)]);
        client.Subscriptions.Redeliver([At(version + 10, 101)]);
        client.NotifyTransport();

        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(202);
        await socket.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));

        // The same version as the last one queued goes out again: the old connection may have swallowed it.
        client.Subscriptions.Redeliver([At(version + 20, 202)]);
        client.NotifyTransport();
        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(202);
        snapshot.GetProperty("data").GetProperty("source_id").GetInt64().Should().Be(fleet.SourceA);
    }
}

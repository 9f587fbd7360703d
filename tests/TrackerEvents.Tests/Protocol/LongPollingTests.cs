using System.Diagnostics;
using System.Net;
using System.Text.Json;
using TrackerEvents.Subscriptions;
using TrackerEvents.Connections;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Protocol;

/// <summary>Long-polling and push by POST, over raw HTTP requests shaped as atmosphere.js sends them.</summary>
public sealed class LongPollingTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheHandshakePoll_IsAnsweredAtOnce_WithTheHandshakeAlone(bool trackMessageSize)
    {
        await using var server = await RunningServer.StartAsync();
        var poller = new LongPoller(server.Http, trackMessageSize);

        var poll = await poller.HandshakePollAsync();

        poll.Body.Should().MatchRegex(trackMessageSize ? @"^45\|[0-9a-f-]{36}\|30000\|X\|$" : @"^[0-9a-f-]{36}\|30000\|X\|$");
        poll.ContentType.Should().StartWith("text/plain");
        poll.ContentTypeOptions.Should().Be("nosniff", "Chromium shows a page nothing of a sniffed text/plain response before 1 KB");
        server.Service<ClientRegistry>().Find(poller.TrackingId!)!.IsConnected.Should().BeTrue("a poll gap is not a drop");
    }

    [Fact]
    public async Task APoll_IsHeldUntilThereIsData_AndCompletedWithIt()
    {
        await using var fleet = await Fleet.StartAsync();
        var poller = new LongPoller(fleet.Server.Http, trackMessageSize: false);
        await poller.HandshakePollAsync();
        var transport = fleet.Server.Service<ClientRegistry>().Find(poller.TrackingId!)!.Transport;
        await AtmosphereHttp.SubscribeAsync(fleet.Server.Http, poller.TrackingId!, fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        (await poller.NextMessageAsync()).GetProperty("type").GetString().Should().Be("response");
        (await poller.NextEventAsync("state")).GetProperty("data").GetProperty("source_id").GetInt64().Should().Be(fleet.SourceA);

        var held = poller.PollAsync();
        // Observing that something does not happen: the 500 ms window is the thing under test, not a wait for an event.
        (await Task.WhenAny(held, Task.Delay(500))).Should().NotBe(held, "nothing is waiting for the client");
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 77 } });

        var poll = await held;
        poll.Body.Should().StartWith(" ", "a held poll starts with whitespace, for browsers to see it open");
        poll.Items.Should().ContainSingle();
        AtmosphereHttp.Parse(poll.Items[0]).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(77);
        await Eventually.Until(() => Task.FromResult(Logs.Contain(fleet.Server, $"opened: tracking tag {TrackingIds.Tag(poller.TrackingId!)}, long-polling")),
            TimeSpan.FromSeconds(5), "the connection's open line");
        fleet.Server.Service<ClientRegistry>().Find(poller.TrackingId!)!.Transport.Should().BeOfType<LongPollingTransport>()
            .Which.Should().BeSameAs(transport, "every poll continues the connection the handshake poll opened");
    }

    [Theory]
    [InlineData(false, "X")]
    [InlineData(true, "1|X")]
    public async Task AnIdleHeldPoll_IsAnsweredWithAHeartbeat(bool trackMessageSize, string heartbeat)
    {
        await using var server = await RunningServer.StartAsync("Atmosphere:ServerHeartbeat=00:00:00.500");
        var poller = new LongPoller(server.Http, trackMessageSize);
        await poller.HandshakePollAsync();

        var watch = Stopwatch.StartNew();
        var poll = await poller.PollAsync();

        poll.Body.Trim().Should().Be(heartbeat);
        watch.Elapsed.Should().BeGreaterThan(TimeSpan.FromMilliseconds(400), "the poll was held until the heartbeat was due");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SeveralWaitingMessages_ShareAResponse_OnlyWhenLengthPrefixed(bool trackMessageSize)
    {
        await using var fleet = await Fleet.StartAsync();
        var poller = new LongPoller(fleet.Server.Http, trackMessageSize);
        await poller.HandshakePollAsync();

        // The POST is answered once the action is done: the response and both snapshot events are waiting by then.
        await AtmosphereHttp.SubscribeAsync(fleet.Server.Http, poller.TrackingId!, fleet.Hash, new { type = "state", trackers = new[] { fleet.A, fleet.B } });

        var polls = new List<LongPoller.Poll> { await poller.PollAsync() };
        while (polls.Sum(p => p.Items.Count) < 3)
        {
            polls.Add(await poller.PollAsync());
        }

        polls.Select(p => p.Items.Count).Should().Equal(trackMessageSize ? [3] : [1, 1, 1]);
        var messages = polls.SelectMany(p => p.Items).Select(AtmosphereHttp.Parse).ToList();
        messages[0].GetProperty("type").GetString().Should().Be("response");
        messages.Skip(1).Select(m => m.GetProperty("data").GetProperty("source_id").GetInt64()).Should().BeEquivalentTo([fleet.SourceA, fleet.SourceB]);
        if (trackMessageSize)
        {
            polls[0].Body.TrimStart().Should().MatchRegex(@"^\d+\|\{""type"":""response"".*\}\d+\|\{""type"":""event"".*\}\d+\|\{""type"":""event"".*\}$");
        }
    }

    [Fact]
    public async Task AResubscribe_WhileAChangeWaitsForThePoll_IsAnsweredFirst_AndTheStateComesAfterTheResponse()
    {
        await using var fleet = await Fleet.StartAsync();
        var poller = await fleet.PollingOnAAsync(trackMessageSize: true);

        // No poll is held: the change waits in the outbox while the same tracker is subscribed again.
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 77 } });
        var committed = await fleet.Server.CurrentVersionAsync();
        var dispatcher = fleet.Server.Service<TrackerEvents.Dispatch.ChangeDispatcher>();
        await Eventually.Until(() => Task.FromResult(dispatcher.Watermark >= committed), TimeSpan.FromSeconds(5), "the change to be queued");
        await AtmosphereHttp.SubscribeAsync(fleet.Server.Http, poller.TrackingId!, fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });

        var messages = (await poller.PollAsync()).Items.Select(AtmosphereHttp.Parse).ToList();
        messages.Select(m => m.GetProperty("type").GetString()).Should().Equal(["response", "event"],
            "a client that resets a tracker on the response still gets its state, once");
        messages[1].GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(77);
    }

    [Fact]
    public async Task HeartbeatsPingsAndBlanksPostedByTheClient_AreSwallowed()
    {
        await using var fleet = await Fleet.StartAsync();
        var poller = new LongPoller(fleet.Server.Http, trackMessageSize: true);
        await poller.HandshakePollAsync();
        var held = poller.PollAsync(extraQuery: "X-Heartbeat-Server=0");

        foreach (var body in new[] { "X", "ping", "  ", "@@/v2/event/subscription@@X" })
        {
            using var answer = await AtmosphereHttp.PushAsync(fleet.Server.Http, poller.TrackingId!, body);
            answer.StatusCode.Should().Be(HttpStatusCode.OK);
            (await answer.Content.ReadAsStringAsync()).Should().BeEmpty();
        }

        // Observing that something does not happen: the 500 ms window is the thing under test, not a wait for an event.
        (await Task.WhenAny(held, Task.Delay(500))).Should().NotBe(held, "nothing was queued for the client");
        await AtmosphereHttp.SubscribeAsync(fleet.Server.Http, poller.TrackingId!, fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        AtmosphereHttp.Parse((await held).Items[0]).GetProperty("type").GetString().Should().Be("response", "the first thing queued is the answer");
    }

    [Fact]
    public async Task BadPostBodies_GetTheSameErrorsAsWebSocketFrames_AndTheClientCarriesOn()
    {
        // Every bad message takes an action token too: room for all of them and the subscribe after.
        await using var fleet = await Fleet.StartAsync("Atmosphere:MaxActionsPerSecond=100");
        var poller = new LongPoller(fleet.Server.Http, trackMessageSize: true);
        await poller.HandshakePollAsync();

        foreach (var data in BadInputTests.TextMessages)
        {
            var (what, message, code, action) = ((string)data[0], (string)data[1], (int)data[2], (string)data[3]);
            using var answer = await AtmosphereHttp.PushAsync(fleet.Server.Http, poller.TrackingId!, message.Replace("HASH", fleet.Hash));
            answer.StatusCode.Should().Be(HttpStatusCode.OK, what);
            AssertError(await poller.NextMessageAsync(), code, action, what);
        }

        using (var tooLarge = await AtmosphereHttp.PushAsync(fleet.Server.Http, poller.TrackingId!,
            "{\"action\":\"subscribe\",\"hash\":\"" + fleet.Hash + "\",\"padding\":\"" + new string('x', 70 * 1024) + "\"}"))
        {
            tooLarge.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        }

        AssertError(await poller.NextMessageAsync(), 9, "null", "a body over 64 KiB");
        await AtmosphereHttp.SubscribeAsync(fleet.Server.Http, poller.TrackingId!, fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        (await poller.NextMessageAsync()).GetProperty("type").GetString().Should().Be("response");
        (await poller.NextEventAsync("state")).GetProperty("data").GetProperty("source_id").GetInt64().Should().Be(fleet.SourceA);
    }

    [Fact]
    public async Task APushWithoutATrackingId_IsAClearError()
    {
        await using var server = await RunningServer.StartAsync();

        using var answer = await AtmosphereHttp.PushAsync(server.Http, "0", "{}");

        answer.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await answer.Content.ReadAsStringAsync()).Should().Contain("X-Atmosphere-tracking-id");
    }

    [Fact]
    public async Task APushForAnUnknownTrackingId_Is404_AndCreatesNoClient_ButItsPollAdoptsTheIdAndThenItsPushesWork()
    {
        await using var fleet = await Fleet.StartAsync();
        var registry = fleet.Server.Service<ClientRegistry>();
        var poller = new LongPoller(fleet.Server.Http, trackMessageSize: false) { TrackingId = Guid.NewGuid().ToString() };

        using (var refused = await AtmosphereHttp.PushAsync(fleet.Server.Http, poller.TrackingId,
            JsonSerializer.Serialize(new { action = "subscribe", hash = fleet.Hash, requests = new[] { new { type = "state", trackers = new[] { fleet.A } } } })))
        {
            refused.StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        registry.Clients.Should().Be(0, "a push never creates a client");

        // After a server restart a client polls with its old id first: the poll adopts it, then pushes are served.
        var held = poller.PollAsync();
        await Eventually.Until(() => Task.FromResult(registry.Find(poller.TrackingId) is not null), TimeSpan.FromSeconds(5), "the poll to adopt the id");
        await AtmosphereHttp.SubscribeAsync(fleet.Server.Http, poller.TrackingId, fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        var first = await held;
        first.Status.Should().Be(HttpStatusCode.OK);
        AtmosphereHttp.Parse(first.Items.First(i => i != "X")).GetProperty("type").GetString().Should().Be("response");
        (await poller.NextEventAsync("state")).GetProperty("data").GetProperty("source_id").GetInt64().Should().Be(fleet.SourceA);
    }

    [Fact]
    public async Task TheCloseRequest_ReleasesALongPollingClient_AndEndsItsHeldPoll()
    {
        await using var fleet = await Fleet.StartAsync();
        var poller = await fleet.PollingOnAAsync(trackMessageSize: false);
        var registry = fleet.Server.Service<ClientRegistry>();
        var slots = fleet.Server.Service<ConnectionSlots>();
        var held = poller.PollAsync();
        await Eventually.Until(() => Task.FromResult(slots.Connections == 1), TimeSpan.FromSeconds(5), "the poll to be held");

        using var close = await fleet.Server.Http.GetAsync($"{AtmosphereHttp.Path}?X-Atmosphere-Transport=close&X-Atmosphere-tracking-id={poller.TrackingId}&_=1");

        close.StatusCode.Should().Be(HttpStatusCode.OK);
        registry.Find(poller.TrackingId!).Should().BeNull();
        (await held.WaitAsync(TimeSpan.FromSeconds(5))).Body.Trim().Should().BeEmpty("the held poll ends without a message");
        await Eventually.Until(() => Task.FromResult(slots.Connections == 0), TimeSpan.FromSeconds(5), "the connection to be released");
    }

    [Fact]
    public async Task AClientThatStopsPolling_IsDetachedAfterTheStallTimeout_AndRetainedForItsReconnect()
    {
        await using var fleet = await Fleet.StartAsync("Atmosphere:StallTimeout=00:00:01");
        var poller = new LongPoller(fleet.Server.Http, trackMessageSize: false);
        await poller.HandshakePollAsync();
        await AtmosphereHttp.SubscribeAsync(fleet.Server.Http, poller.TrackingId!, fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        var client = fleet.Server.Service<ClientRegistry>().Find(poller.TrackingId!)!;

        await Eventually.Until(() => Task.FromResult(!client.IsConnected), TimeSpan.FromSeconds(5), "the client to count as gone");
        await Eventually.Until(() => Task.FromResult(Logs.Contain(fleet.Server, "no poll for 1 s")), TimeSpan.FromSeconds(5), "the reason in the log");

        client.IsReleased.Should().BeFalse("the client is retained");
        (await poller.NextMessageAsync()).GetProperty("type").GetString().Should().Be("response", "what waited is delivered on its return");
        (await poller.NextEventAsync("state")).GetProperty("data").GetProperty("source_id").GetInt64().Should().Be(fleet.SourceA);
        client.IsConnected.Should().BeTrue();
    }

    [Fact]
    public async Task AHeldPoll_CountsAgainstTheConnectionLimit()
    {
        await using var server = await RunningServer.StartAsync("Atmosphere:MaxConnections=2");
        await server.CreateUserAsync("cap");
        var hash = await server.LoginAsync("cap");
        var one = new LongPoller(server.Http, trackMessageSize: false);
        var two = new LongPoller(server.Http, trackMessageSize: false);
        await one.HandshakePollAsync();
        await two.HandshakePollAsync();
        var heldOne = one.PollAsync(extraQuery: "X-Heartbeat-Server=0");
        var heldTwo = two.PollAsync(extraQuery: "X-Heartbeat-Server=0");
        var registry = server.Service<ClientRegistry>();
        var slots = server.Service<ConnectionSlots>();
        await Eventually.Until(() => Task.FromResult(slots.Connections == 2), TimeSpan.FromSeconds(5), "both polls to be held");

        var third = new LongPoller(server.Http, trackMessageSize: false);
        using (var refused = await server.Http.GetAsync(AtmosphereHttp.Query("long-polling", null, trackMessageSize: false)))
        {
            refused.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        }

        var socket = async () => await AtmosphereSocket.ConnectAsync(server);
        (await socket.Should().ThrowAsync<System.Net.WebSockets.WebSocketException>()).Which.Message.Should().Contain("503");
        await AtmosphereHttp.SubscribeAsync(server.Http, one.TrackingId!, hash, new { type = "state_batch", target = new { type = "all" } });
        (await heldOne).Status.Should().Be(HttpStatusCode.OK);
        await Eventually.Until(() => Task.FromResult(slots.Connections == 1), TimeSpan.FromSeconds(5), "the answered poll to free its slot");
        await third.HandshakePollAsync();
        heldTwo.IsCompleted.Should().BeFalse("the other poll is still held");
    }

    private static void AssertError(JsonElement error, int code, string action, string what)
    {
        error.GetProperty("type").GetString().Should().Be("error", what);
        error.GetProperty("action").GetString().Should().Be(action, what);
        error.GetProperty("status").GetProperty("code").GetInt32().Should().Be(code, what);
    }
}

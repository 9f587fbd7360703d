using System.Text.Json;
using TrackerEvents.Subscriptions;
using TrackerEvents.Connections;
using TrackerEvents.Tests.Infrastructure;
using TrackerEvents.Tests.Protocol;

namespace TrackerEvents.Tests.Compat;

/// <summary>
/// The real atmosphere.js clients from npm (2.3.6 in its Node build, and 3.1.3), driven as the Navixy
/// sample uses them: subscribe from onOpen with a hash from user/auth, then read events.
/// </summary>
public sealed class AtmosphereJsTests
{
    public static readonly TheoryData<string> Versions = new() { "2.3.6", "3.1.3" };

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task NavixySample_GetsTheResponse_Snapshots_AndLiveStateAndStateBatchEvents(string version)
    {
        await using var fleet = await Fleet.StartAsync();
        await using var client = await AtmosphereJsClient.StartAsync(version, fleet.Url);
        (await client.NextAsync("open")).GetProperty("transport").GetString().Should().Be("websocket");

        await fleet.SubscribeAndReceiveAsync(client);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ServerHeartbeats_KeepAnIdleClientFromTimingOut_WithoutReachingOnMessage(string version)
    {
        // The window of silence is what is tested: with a 3 s client timeout and heartbeats every 1 s,
        // the client must stay quiet for 5 s.
        await using var fleet = await Fleet.StartAsync("Atmosphere:ServerHeartbeat=00:00:01");
        await using var client = await AtmosphereJsClient.StartAsync(version, fleet.Url, "--timeout", "3000");
        await client.NextAsync("open");

        (await client.SeesWithinAsync("clientTimeout", TimeSpan.FromSeconds(5))).Should().BeFalse();
        client.Seen.Should().NotContain(e => e.GetProperty("event").GetString() == "message", "heartbeats never reach onMessage");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task WithoutServerHeartbeats_TheSameClientTimesOut(string version)
    {
        await using var fleet = await Fleet.StartAsync("Atmosphere:ServerHeartbeat=00:00:00");
        await using var client = await AtmosphereJsClient.StartAsync(version, fleet.Url, "--timeout", "3000");
        await client.NextAsync("open");

        (await client.SeesWithinAsync("clientTimeout", TimeSpan.FromSeconds(6))).Should().BeTrue();
    }

    public static readonly TheoryData<string, bool> VersionsWithAndWithoutLengthTracking = new()
    {
        { "2.3.6", false }, { "2.3.6", true }, { "3.1.3", false }, { "3.1.3", true },
    };

    [Theory]
    [MemberData(nameof(VersionsWithAndWithoutLengthTracking))]
    public async Task AfterTheServerDropsTheSocket_TheClientReopens_AndEventsResumeWithoutANewSubscribe(string version, bool trackMessageLength)
    {
        await using var fleet = await Fleet.StartAsync();
        await using var client = await AtmosphereJsClient.StartAsync(version, fleet.Url, "--reconnectInterval", "200",
            "--trackMessageLength", trackMessageLength ? "true" : "false");
        var uuid = (await client.NextAsync("open")).GetProperty("uuid").GetString()!;
        await client.PushJsonAsync(new { action = "subscribe", hash = fleet.Hash, requests = new[] { new { type = "state", trackers = new[] { fleet.A } } } });
        await client.NextEventMessageAsync("state");

        fleet.Server.Service<ClientRegistry>().Find(uuid)!.CloseTransport(Disconnect.Shutdown);
        await client.NextAsync("reconnect");
        (await client.NextAsync("reopen")).GetProperty("uuid").GetString().Should().Be(uuid);
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 99 } });

        // The reopened client may first get A's state again (it was written just before the drop), then the change.
        await client.NextMessageAsync(m => m.TryGetProperty("event", out var e) && e.GetString() == "state"
            && m.GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32() == 99);
        client.Seen.Count(e => e.GetProperty("event").GetString() == "open").Should().Be(1, "a reconnect is a reopen, not a new open");
        client.Seen.Where(e => e.GetProperty("event").GetString() == "message").Select(e => e.GetProperty("body").GetString())
            .Should().OnlyContain(body => body!.StartsWith('{'), "the reopen frame (a heartbeat) never reaches onMessage");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Unsubscribe_SendsTheCloseRequest_AndTheServerForgetsTheClient(string version)
    {
        await using var fleet = await Fleet.StartAsync();
        await using var client = await AtmosphereJsClient.StartAsync(version, fleet.Url);
        var uuid = (await client.NextAsync("open")).GetProperty("uuid").GetString()!;
        await client.PushJsonAsync(new { action = "subscribe", hash = fleet.Hash, requests = new[] { new { type = "state", trackers = new[] { fleet.A } } } });
        await client.NextEventMessageAsync("state");
        var registry = fleet.Server.Service<ClientRegistry>();
        registry.Find(uuid).Should().NotBeNull();

        await client.UnsubscribeAsync();

        await Eventually.Until(() => Task.FromResult(registry.Find(uuid) is null), TimeSpan.FromSeconds(10), "the close request to release the client");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task WithMessageLengthTracking_NonAsciiPayloadsArriveWhole(string version)
    {
        await using var fleet = await Fleet.StartAsync();
        await using var client = await AtmosphereJsClient.StartAsync(version, fleet.Url, "--trackMessageLength", "true");
        await client.NextAsync("open");
        await client.PushJsonAsync(new { action = "subscribe", hash = fleet.Hash, requests = new[] { new { type = "state", trackers = new[] { fleet.A } } } });
        await client.NextEventMessageAsync("state");

        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, additional = new { driver = "Zürich ✓ 😀 Ålesund" } });

        var state = await client.NextEventMessageAsync("state");
        state.GetProperty("data").GetProperty("additional").GetProperty("driver").GetProperty("value").GetString().Should().Be("Zürich ✓ 😀 Ålesund");
        client.Seen.Should().NotContain(e => e.GetProperty("event").GetString() == "uncaughtError");
    }
}

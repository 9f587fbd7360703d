using TrackerEvents.Subscriptions;
using TrackerEvents.Connections;
using TrackerEvents.Tests.Infrastructure;
using TrackerEvents.Tests.Protocol;

namespace TrackerEvents.Tests.Compat;

/// <summary>
/// The real atmosphere.js clients (2.3.6 and 3.1.3, in Node) on the HTTP transports: long-polling and
/// streaming with push by POST, and 3.1.3 falling back to streaming by itself when upgrades are refused.
/// </summary>
public sealed class HttpTransportTests
{
    public static readonly TheoryData<string, string, bool> Combinations = new()
    {
        { "2.3.6", "long-polling", false },
        { "2.3.6", "streaming", false },
        { "3.1.3", "long-polling", false },
        { "3.1.3", "streaming", false },
        { "2.3.6", "long-polling", true },
        { "3.1.3", "streaming", true },
    };

    [Theory]
    [MemberData(nameof(Combinations))]
    public async Task TheClient_Subscribes_GetsTheResponseSnapshotsAndLiveEvents_AndUnsubscribesWithTheCloseRequest(
        string version, string transport, bool trackMessageLength)
    {
        await using var fleet = await Fleet.StartAsync();
        await using var client = await AtmosphereJsClient.StartAsync(version, fleet.Url, "--transport", transport,
            "--trackMessageLength", trackMessageLength ? "true" : "false");
        var open = await client.NextAsync("open");
        open.GetProperty("transport").GetString().Should().Be(transport);
        var uuid = open.GetProperty("uuid").GetString()!;

        await SubscribeAndReceiveWithALargeMessageAsync(fleet, client);

        var registry = fleet.Server.Service<ClientRegistry>();

        var slots = fleet.Server.Service<ConnectionSlots>();
        registry.Find(uuid)!.Transport!.Name.Should().Be(transport);
        await client.UnsubscribeAsync();
        await Eventually.Until(() => Task.FromResult(registry.Find(uuid) is null), TimeSpan.FromSeconds(10), "the close request to release the client");
        client.Seen.Should().NotContain(e => e.GetProperty("event").GetString() == "uncaughtError");
    }

    [Theory]
    [InlineData("2.3.6", "long-polling")]
    [InlineData("2.3.6", "streaming")]
    [InlineData("3.1.3", "long-polling")]
    [InlineData("3.1.3", "streaming")]
    public async Task AfterTheServerEndsTheConnection_TheClientReopens_AndEventsResumeWithoutANewSubscribe(string version, string transport)
    {
        await using var fleet = await Fleet.StartAsync();
        await using var client = await AtmosphereJsClient.StartAsync(version, fleet.Url, "--transport", transport, "--reconnectInterval", "200");
        var uuid = (await client.NextAsync("open")).GetProperty("uuid").GetString()!;
        await client.PushJsonAsync(new { action = "subscribe", hash = fleet.Hash, requests = new[] { new { type = "state", trackers = new[] { fleet.A } } } });
        await client.NextEventMessageAsync("state");

        var registry = fleet.Server.Service<ClientRegistry>();

        var slots = fleet.Server.Service<ConnectionSlots>();
        await Eventually.Until(() => Task.FromResult(slots.Connections == 1), TimeSpan.FromSeconds(5), "the poll or stream to be open");

        registry.Find(uuid)!.CloseTransport(Disconnect.Shutdown);
        if (transport == "streaming")
        {
            // A long-polling client sees an empty answer (or, between polls, nothing at all) and polls again.
            (await client.NextAsync("reopen")).GetProperty("uuid").GetString().Should().Be(uuid);
        }

        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 99 } });

        await client.NextMessageAsync(m => m.TryGetProperty("event", out var e) && e.GetString() == "state"
            && m.GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32() == 99);
        client.Seen.Count(e => e.GetProperty("event").GetString() == "open").Should().Be(1, "a reconnect is a reopen, not a new open");
    }

    [Theory]
    [InlineData("3.1.3")]
    [InlineData("2.3.6")]
    public async Task AClientWhoseWebSocketIsRefused_FallsBackToStreamingByItself_AndGetsItsEvents(string version)
    {
        await using var fleet = await Fleet.StartAsync("Atmosphere:Transports=long-polling,streaming");
        await using var client = await AtmosphereJsClient.StartAsync(version, fleet.Url, "--reconnectInterval", "100");

        (await client.NextAsync("transportFailure")).GetProperty("reason").GetString().Should().Contain("Downgrading to streaming");
        var open = await client.NextAsync("open");
        open.GetProperty("transport").GetString().Should().Be("streaming");

        await SubscribeAndReceiveWithALargeMessageAsync(fleet, client);
        fleet.Server.Service<ClientRegistry>().Find(open.GetProperty("uuid").GetString()!)!.Transport.Should().BeOfType<StreamingTransport>();
    }

    [Theory]
    [InlineData("3.1.3", "long-polling")]
    [InlineData("2.3.6", "streaming")]
    public async Task ServerHeartbeats_KeepAnIdleHttpClientFromTimingOut_WithoutReachingOnMessage(string version, string transport)
    {
        await using var fleet = await Fleet.StartAsync("Atmosphere:ServerHeartbeat=00:00:01");
        await using var client = await AtmosphereJsClient.StartAsync(version, fleet.Url, "--transport", transport, "--timeout", "3000");
        await client.NextAsync("open");

        (await client.SeesWithinAsync("clientTimeout", TimeSpan.FromSeconds(5))).Should().BeFalse();
        client.Seen.Should().NotContain(e => e.GetProperty("event").GetString() == "message", "heartbeats never reach onMessage");
    }

    [Theory]
    [InlineData("2.3.6")]
    [InlineData("3.1.3")]
    public async Task AStreamingClient_KeepsItsStreamWithItsHeartbeats(string version)
    {
        await using var fleet = await Fleet.StartAsync("Atmosphere:ClientHeartbeat=00:00:01", "Atmosphere:DeadPeerIntervals=3");
        await using var client = await AtmosphereJsClient.StartAsync(version, fleet.Url, "--transport", "streaming");
        var uuid = (await client.NextAsync("open")).GetProperty("uuid").GetString()!;
        var transport = fleet.Server.Service<ClientRegistry>().Find(uuid)!.Transport;

        (await client.SeesWithinAsync("reconnect", TimeSpan.FromSeconds(5))).Should()
            .BeFalse("the server hears the client's heartbeats (a silent client is closed after 3 s)");

        fleet.Server.Service<ClientRegistry>().Find(uuid)!.Transport.Should().BeSameAs(transport);
    }

    private static async Task SubscribeAndReceiveWithALargeMessageAsync(Fleet fleet, AtmosphereJsClient client)
    {
        await fleet.SubscribeAndReceiveAsync(client);

        // A message far larger than a write buffer arrives whole, length tracking or not.
        var note = string.Concat(Enumerable.Repeat("Zürich ✓ 😀 ", 1500)); // ~32 KB: many of Kestrel's 4 KB blocks, within one 64 KB read of Node
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, additional = new { note } });
        (await client.NextEventMessageAsync("state")).GetProperty("data").GetProperty("additional").GetProperty("note").GetProperty("value").GetString()
            .Should().Be(note);
    }
}

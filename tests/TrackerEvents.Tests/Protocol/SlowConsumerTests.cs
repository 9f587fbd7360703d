using System.Text.Json;
using TrackerEvents.Subscriptions;
using TrackerEvents.Connections;
using TrackerEvents.Dispatch;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Protocol;

public sealed class SlowConsumerTests
{
    [Fact]
    public async Task AClientThatStopsReading_NeverHoldsUpTheOthers()
    {
        // The stalled client is kept for the whole test (a long stall timeout): every round must reach the
        // healthy client while the other one's socket is full.
        await using var server = await RunningServer.StartAsync("Atmosphere:StallTimeout=00:05:00");
        var (stalled, healthy) = await FiveRoundsWithOneClientStalledAsync(server);
        using var _ = stalled;
        await using var __ = healthy;

        server.Service<ConnectionSlots>().Connections.Should().Be(2, "the stalled connection is still there: it held nobody up");
    }

    [Fact]
    public async Task AClientThatStopsReading_IsClosedAfterTheStallTimeout_WithALoggedReason()
    {
        await using var server = await RunningServer.StartAsync("Atmosphere:StallTimeout=00:00:01");
        var (stalled, healthy) = await FiveRoundsWithOneClientStalledAsync(server);
        using var _ = stalled;
        await using var __ = healthy;

        await Eventually.Until(() => Task.FromResult(Logs.Contain(server, "slow consumer")), TimeSpan.FromSeconds(10),
            "the stalled connection to be closed with a logged reason");
        (await stalled.ServerClosesWithinAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
    }

    [Fact]
    public async Task AClientThatStopsReading_AmongMoreWatchersThanAreWokenOneByOne_HoldsUpNoneOfThem()
    {
        // A fan-out this wide is written by a few work items, each writing to its share of the sockets in turn
        // (StateRun): the stalled client, first in the run, must not keep the others of its share waiting.
        // Its healthy namesake of ConnectBothAsync takes the large states too, and reads them.
        await using var server = await RunningServer.StartAsync("Atmosphere:StallTimeout=00:05:00");
        var (big, stalled, healthy) = await ConnectBothAsync(server);
        using var _ = stalled;
        await using var __ = healthy;
        var shared = (await server.CreateTrackerAsync("busy", "Shared")).Id;
        var hash = await server.LoginAsync("busy");
        await stalled.SendTextAsync(JsonSerializer.Serialize(new { action = "subscribe", hash, requests = new[] { new { type = "state", trackers = new[] { shared } } } }));
        await Eventually.Until(() => Task.FromResult(server.Service<SubscriptionIndex>().WatchingTracker(shared).Length == 1), TimeSpan.FromSeconds(10),
            "the stalled client to watch the shared tracker first");

        var watchers = new List<AtmosphereSocket>();
        try
        {
            for (var i = 0; i <= StateRun.WakeOneByOne; i++)
            {
                var watcher = await AtmosphereSocket.ConnectAsync(server);
                watchers.Add(watcher);
                await watcher.ReadHandshakeAsync();
                (await watcher.SubscribeAsync(hash, new { type = "state", trackers = new[] { shared } })).GetProperty("type").GetString().Should().Be("response");
                await watcher.NextEventAsync("state");
            }

            for (var round = 1; round <= 5; round++)
            {
                // One commit, one run: the stalled client's large states first, more than its socket takes, so that
                // its writes begin in the run's first share and soon have to wait; then the shared tracker's state.
                var filler = new string((char)('a' + round), 100_000);
                var states = big.Select(id => (object)new { tracker_id = id, gps = new { speed = round }, additional = new { filler } })
                    .Append(new { tracker_id = shared, gps = new { speed = round } });
                (await server.IngestStatesAsync(states.ToArray())).ShouldSucceed();
                foreach (var watcher in watchers)
                {
                    var state = await watcher.NextEventAsync("state", TimeSpan.FromSeconds(10));
                    state.GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(round);
                }
            }
        }
        finally
        {
            foreach (var watcher in watchers)
            {
                await watcher.DisposeAsync();
            }
        }
    }

    /// <summary>Five rounds of large states, each awaited in full by the healthy client while the stalled one reads nothing.</summary>
    private static async Task<(RawWebSocket Stalled, AtmosphereSocket Healthy)> FiveRoundsWithOneClientStalledAsync(RunningServer server)
    {
        var (trackers, stalled, healthy) = await ConnectBothAsync(server);
        for (var round = 1; round <= 5; round++)
        {
            await IngestRoundAsync(server, trackers, round);
            await ExpectRoundAsync(healthy, trackers, round);
        }

        return (stalled, healthy);
    }

    /// <summary>40 trackers; a raw client that subscribes to all and never reads, and a normal one that does.</summary>
    private static async Task<(List<long> Trackers, RawWebSocket Stalled, AtmosphereSocket Healthy)> ConnectBothAsync(RunningServer server)
    {
        await server.CreateUserAsync("busy");
        var trackers = new List<long>();
        for (var i = 0; i < 40; i++)
        {
            trackers.Add((await server.CreateTrackerAsync("busy", $"Truck {i}")).Id);
        }

        var hash = await server.LoginAsync("busy");
        var subscribe = JsonSerializer.Serialize(new { action = "subscribe", hash, requests = new[] { new { type = "state", trackers } } });
        var stalled = await RawWebSocket.ConnectAsync(server.BaseAddress,
            "X-Atmosphere-tracking-id=0&X-Atmosphere-Transport=websocket&X-atmo-protocol=true", receiveBufferBytes: 4096);
        await stalled.SendTextAsync(subscribe);
        var healthy = await AtmosphereSocket.ConnectAsync(server);
        await healthy.ReadHandshakeAsync();
        await healthy.SendAsync(subscribe);
        await healthy.NextMessageAsync();
        for (var i = 0; i < trackers.Count; i++)
        {
            await healthy.NextEventAsync("state");
        }

        return (trackers, stalled, healthy);
    }

    /// <summary>40 states of ~100 KB: far more than the socket buffers of a client that reads nothing.</summary>
    private static async Task IngestRoundAsync(RunningServer server, List<long> trackers, int round)
    {
        var filler = new string((char)('a' + round), 100_000);
        (await server.IngestStatesAsync(trackers.Select(id => (object)new { tracker_id = id, gps = new { speed = round }, additional = new { filler } }).ToArray()))
            .ShouldSucceed();
    }

    private static async Task ExpectRoundAsync(AtmosphereSocket healthy, List<long> trackers, int round)
    {
        var seen = new HashSet<long>();
        while (seen.Count < trackers.Count)
        {
            var state = await healthy.NextEventAsync("state", TimeSpan.FromSeconds(10));
            if (state.GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32() == round)
            {
                seen.Add(state.GetProperty("data").GetProperty("source_id").GetInt64());
            }
        }
    }
}

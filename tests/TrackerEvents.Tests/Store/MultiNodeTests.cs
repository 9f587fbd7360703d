using TrackerEvents.Subscriptions;
using TrackerEvents.Connections;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Store;

/// <summary>Two server nodes on one PostgreSQL database: what one node writes or ends reaches the other's connections.</summary>
public sealed class MultiNodeTests
{
    [Theory, EngineData(Engine.Postgres)]
    public async Task AChangeIngestedThroughNodeA_ReachesASubscriberOnNodeB_WithAHashIssuedByNodeA(Engine engine)
    {
        await using var pair = await NodePair.StartAsync(engine);
        await using var socket = await pair.ConnectToBAsync();
        await socket.SubscribeAsync(pair.Hash, new { type = "state", trackers = new[] { pair.Tracker } });
        await socket.NextEventAsync("state");

        (await pair.A.IngestStatesAsync(new { tracker_id = pair.Tracker, gps = new { speed = 64 } })).ShouldSucceed();

        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(64);
    }

    [Theory, EngineData(Engine.Postgres)]
    public async Task LogoutOnNodeA_SendsLogoutToAConnectionOnNodeB(Engine engine)
    {
        await using var pair = await NodePair.StartAsync(engine);
        await using var socket = await pair.ConnectToBAsync();
        await socket.SubscribeAsync(pair.Hash, new { type = "state", trackers = new[] { pair.Tracker } });
        await socket.NextEventAsync("state");

        (await pair.A.CallAsync("user/logout", new { hash = pair.Hash })).ShouldSucceed();

        (await socket.NextEventAsync("logout")).GetProperty("data").GetString().Should().Be("session closed");
        (await pair.B.CallAsync("tracker/list", new { hash = pair.Hash })).ShouldFail(4);
    }

    [Theory, EngineData(Engine.Postgres)]
    public async Task ACloseRequestThatLandsOnNodeA_ReleasesTheClientHeldByNodeB(Engine engine)
    {
        await using var pair = await NodePair.StartAsync(engine);
        var socket = await pair.ConnectToBAsync();
        await socket.SubscribeAsync(pair.Hash, new { type = "state", trackers = new[] { pair.Tracker } });
        await socket.NextEventAsync("state");
        var registryB = pair.B.Service<ClientRegistry>();
        socket.Abort(); // dropped: node B retains the client for its reconnect
        registryB.Find(socket.TrackingId!).Should().NotBeNull();

        var close = await pair.A.Http.GetAsync($"/v2/event/subscription?X-Atmosphere-Transport=close&X-Atmosphere-tracking-id={socket.TrackingId}");

        close.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        await Eventually.Until(() => Task.FromResult(registryB.Find(socket.TrackingId!) is null), TimeSpan.FromSeconds(5), "node B to release the client");
        await socket.DisposeAsync();
    }

    private sealed class NodePair : IAsyncDisposable
    {
        public required TestDatabase Database { get; init; }
        public required RunningServer A { get; init; }
        public required RunningServer B { get; init; }
        public required string Hash { get; init; }
        public required long Tracker { get; init; }

        public static async Task<NodePair> StartAsync(Engine engine)
        {
            var database = await TestDatabase.CreateAsync(engine);
            var a = await RunningServer.StartOnAsync(database);
            var b = await RunningServer.StartOnAsync(database);
            await a.CreateUserAsync("cluster");
            var (tracker, _) = await a.CreateTrackerAsync("cluster");
            (await a.IngestStatesAsync(new { tracker_id = tracker, gps = new { speed = 1 } })).ShouldSucceed();
            return new NodePair { Database = database, A = a, B = b, Hash = await a.LoginAsync("cluster"), Tracker = tracker };
        }

        public async Task<AtmosphereSocket> ConnectToBAsync()
        {
            var socket = await AtmosphereSocket.ConnectAsync(B);
            await socket.ReadHandshakeAsync();
            return socket;
        }

        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
            await Database.DisposeAsync();
        }
    }
}

using System.Text.Json;
using Dapper;
using TrackerEvents.Store;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Protocol;

/// <summary>
/// A tracker moved to another user by another program (plain SQL: the API has no move) reaches its new owner's
/// subscriptions and no longer its former owner's, whose watches were made when it was theirs.
/// </summary>
public sealed class MovedTrackerTests
{
    [Theory, EngineData(Engine.Sqlite), EngineData(Engine.Postgres)]
    public async Task ATrackerMovedByPlainSql_ReachesItsNewOwner_AndNotItsFormerOne(Engine engine)
    {
        await using var two = await TwoUsers.StartAsync(engine);
        var (server, a, b) = (two.Server, two.A, two.B);
        await using var alice = await SubscribedAsync(server, await server.LoginAsync("alice"), new { type = "state", trackers = new[] { a, b } });
        await alice.NextEventAsync("state");
        await alice.NextEventAsync("state");
        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 1 })).ShouldSucceed();
        Battery(await alice.NextEventAsync("state")).Should().Be(1, "A is alice's");

        await two.MoveAToBobAsync();
        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 2 })).ShouldSucceed();
        (await server.IngestStatesAsync(new { tracker_id = b, battery_level = 3 })).ShouldSucceed();
        Battery(await alice.NextEventAsync("state")).Should().Be(3, "A's change, committed first, is bob's now: only B's reaches alice");

        await using var bob = await SubscribedAsync(server, await server.LoginAsync("bob"), new { type = "state", trackers = new[] { a } });
        Battery(await bob.NextEventAsync("state")).Should().Be(2, "bob's snapshot of A");
        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 4 }, new { tracker_id = b, battery_level = 5 })).ShouldSucceed();
        Battery(await bob.NextEventAsync("state")).Should().Be(4);
        Battery(await alice.NextEventAsync("state")).Should().Be(5);
        await alice.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));
        await bob.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task BatchStreamsAndReadings_OfTheFormerOwner_LeaveAMovedTrackerOut()
    {
        await using var two = await TwoUsers.StartAsync(Engine.Sqlite);
        var (server, a, b) = (two.Server, two.A, two.B);
        var hash = await server.LoginAsync("alice");
        await using var batch = await SubscribedAsync(server, hash, new { type = "state_batch", target = new { type = "all" }, rate_limit = "100ms" });
        await using var iot = await SubscribedAsync(server, hash,
            new { type = "iot_monitor", target = new { type = "selected", tracker_ids = new[] { a, b } }, rate_limit = "100ms" });
        await using var readings = await SubscribedAsync(server, hash, new { type = "readings_batch", target = new { type = "all" }, rate_limit = "100ms" });
        Sources(await batch.NextEventAsync("state_batch")).Should().BeEquivalentTo([two.SourceA, two.SourceB]);
        IotTrackers(await iot.NextEventAsync("iot_monitor")).Should().BeEquivalentTo([a, b]);
        await readings.NextEventAsync("readings_batch");

        await two.MoveAToBobAsync();
        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 2 })).ShouldSucceed();
        (await server.IngestStatesAsync(new { tracker_id = b, battery_level = 3 })).ShouldSucceed();
        (await server.AdminAsync("/ingest/readings", new { readings = new[] { Fuel(a, 1), Fuel(b, 2) } })).ShouldSucceed();

        Sources(await batch.NextEventAsync("state_batch")).Should().Equal([two.SourceB], "A is bob's now");
        IotTrackers(await iot.NextEventAsync("iot_monitor")).Should().Equal([b]);
        (await readings.NextEventAsync("readings_batch")).GetProperty("data").EnumerateArray().Select(i => i.GetProperty("tracker_id").GetInt64())
            .Should().Equal([b]);
        await batch.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));
        await iot.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));
        await readings.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));
    }

    [Theory, EngineData(Engine.Sqlite), EngineData(Engine.Postgres)]
    public async Task AReadOfStatesOrReadings_ForTheFormerOwner_LeavesOutATrackerMovedAfterTheOwnershipCheck(Engine engine)
    {
        // The readings snapshot of a subscribe and the state and readings calls check ownership, then read: a move in
        // between must not hand the former owner the moved tracker's data. The reads are made here as after a check.
        await using var two = await TwoUsers.StartAsync(engine);
        var (server, a, b) = (two.Server, two.A, two.B);
        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 1 }, new { tracker_id = b, battery_level = 2 })).ShouldSucceed();
        (await server.AdminAsync("/ingest/readings", new { readings = new[] { Fuel(a, 1), Fuel(b, 2) } })).ShouldSucceed();
        var (readings, states) = (server.Service<ReadingStore>(), server.Service<StateStore>());
        (await readings.GetReadingsAsync([a, b], two.Alice, CancellationToken.None))[a].Should().ContainSingle("A is alice's");
        (await states.GetStatesAsync([a, b], two.Alice, CancellationToken.None)).Keys.Should().BeEquivalentTo([a, b]);

        await two.MoveAToBobAsync();
        var formerOwners = await readings.GetReadingsAsync([a, b], two.Alice, CancellationToken.None);
        formerOwners[a].Should().BeEmpty("A is bob's now");
        formerOwners[b].Should().ContainSingle();
        (await readings.GetReadingsAsync([a], two.Bob, CancellationToken.None))[a].Should().ContainSingle();
        (await states.GetStatesAsync([a, b], two.Alice, CancellationToken.None)).Keys.Should().Equal([b], "A is bob's now");
        (await states.GetStatesAsync([a], two.Bob, CancellationToken.None))[a].BatteryLevel.Should().Be(1);
    }

    /// <summary>A socket that has read its handshake and subscribed with one request.</summary>
    private static async Task<AtmosphereSocket> SubscribedAsync(RunningServer server, string hash, object request)
    {
        var socket = await AtmosphereSocket.ConnectAsync(server);
        await socket.ReadHandshakeAsync();
        await socket.SubscribeAsync(hash, request);
        return socket;
    }

    private static object Fuel(long trackerId, double value) =>
        new { tracker_id = trackerId, inputs = new object[] { new { sensor_id = 1, value, type = "fuel" } } };

    private static int Battery(JsonElement state) => state.GetProperty("data").GetProperty("battery_level").GetInt32();

    private static List<long> Sources(JsonElement batch) =>
        [.. batch.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("state").GetProperty("source_id").GetInt64())];

    private static List<long> IotTrackers(JsonElement packet) =>
        [.. packet.GetProperty("data").GetProperty("iot_last_values").EnumerateArray().Select(v => v.GetProperty("tracker_id").GetInt64())];

    /// <summary>A server with users alice (trackers A and B) and bob (none).</summary>
    private sealed record TwoUsers(RunningServer Server, long Alice, long Bob, long A, long SourceA, long B, long SourceB) : IAsyncDisposable
    {
        public static async Task<TwoUsers> StartAsync(Engine engine)
        {
            var server = await RunningServer.StartAsync(engine);
            var alice = await server.CreateUserAsync("alice");
            var bob = await server.CreateUserAsync("bob");
            var (a, sourceA) = await server.CreateTrackerAsync("alice", "A");
            var (b, sourceB) = await server.CreateTrackerAsync("alice", "B");
            return new TwoUsers(server, alice, bob, a, sourceA, b, sourceB);
        }

        /// <summary>What another program does: the API has no move.</summary>
        public async Task MoveAToBobAsync()
        {
            await using var db = await Server.Database!.OpenAsync();
            await db.ExecuteAsync("UPDATE trackers SET user_id = @User WHERE id = @Id", new { User = Bob, Id = A });
        }

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }
}

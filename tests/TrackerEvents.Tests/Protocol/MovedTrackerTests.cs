using System.Text.Json;
using Dapper;
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
        await using var server = await RunningServer.StartAsync(engine);
        await server.CreateUserAsync("alice");
        var bobId = await server.CreateUserAsync("bob");
        var (a, _) = await server.CreateTrackerAsync("alice", "A");
        var (b, _) = await server.CreateTrackerAsync("alice", "B");
        await using var alice = await AtmosphereSocket.ConnectAsync(server);
        await alice.ReadHandshakeAsync();
        await alice.SubscribeAsync(await server.LoginAsync("alice"), new { type = "state", trackers = new[] { a, b } });
        await alice.NextEventAsync("state");
        await alice.NextEventAsync("state");
        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 1 })).ShouldSucceed();
        Battery(await alice.NextEventAsync("state")).Should().Be(1, "A is alice's");

        await MoveAsync(server, a, bobId);
        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 2 })).ShouldSucceed();
        (await server.IngestStatesAsync(new { tracker_id = b, battery_level = 3 })).ShouldSucceed();
        Battery(await alice.NextEventAsync("state")).Should().Be(3, "A's change, committed first, is bob's now: only B's reaches alice");

        await using var bob = await AtmosphereSocket.ConnectAsync(server);
        await bob.ReadHandshakeAsync();
        await bob.SubscribeAsync(await server.LoginAsync("bob"), new { type = "state", trackers = new[] { a } });
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
        await using var server = await RunningServer.StartAsync(Engine.Sqlite);
        await server.CreateUserAsync("alice");
        var bobId = await server.CreateUserAsync("bob");
        var (a, sourceA) = await server.CreateTrackerAsync("alice", "A");
        var (b, sourceB) = await server.CreateTrackerAsync("alice", "B");
        var hash = await server.LoginAsync("alice");
        await using var batch = await AtmosphereSocket.ConnectAsync(server);
        await batch.ReadHandshakeAsync();
        await batch.SubscribeAsync(hash, new { type = "state_batch", target = new { type = "all" }, rate_limit = "100ms" });
        await using var iot = await AtmosphereSocket.ConnectAsync(server);
        await iot.ReadHandshakeAsync();
        await iot.SubscribeAsync(hash, new { type = "iot_monitor", target = new { type = "selected", tracker_ids = new[] { a, b } }, rate_limit = "100ms" });
        await using var readings = await AtmosphereSocket.ConnectAsync(server);
        await readings.ReadHandshakeAsync();
        await readings.SubscribeAsync(hash, new { type = "readings_batch", target = new { type = "all" }, rate_limit = "100ms" });
        Sources(await batch.NextEventAsync("state_batch")).Should().BeEquivalentTo([sourceA, sourceB]);
        IotTrackers(await iot.NextEventAsync("iot_monitor")).Should().BeEquivalentTo([a, b]);
        await readings.NextEventAsync("readings_batch");

        await MoveAsync(server, a, bobId);
        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 2 })).ShouldSucceed();
        (await server.IngestStatesAsync(new { tracker_id = b, battery_level = 3 })).ShouldSucceed();
        (await server.AdminAsync("/ingest/readings", new { readings = new[] { Fuel(a, 1), Fuel(b, 2) } })).ShouldSucceed();

        Sources(await batch.NextEventAsync("state_batch")).Should().Equal([sourceB], "A is bob's now");
        IotTrackers(await iot.NextEventAsync("iot_monitor")).Should().Equal([b]);
        (await readings.NextEventAsync("readings_batch")).GetProperty("data").EnumerateArray().Select(i => i.GetProperty("tracker_id").GetInt64())
            .Should().Equal([b]);
        await batch.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));
        await iot.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));
        await readings.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));
    }

    private static async Task MoveAsync(RunningServer server, long trackerId, long userId)
    {
        await using var db = await server.Database!.OpenAsync();
        await db.ExecuteAsync("UPDATE trackers SET user_id = @User WHERE id = @Id", new { User = userId, Id = trackerId });
    }

    private static object Fuel(long trackerId, double value) =>
        new { tracker_id = trackerId, inputs = new object[] { new { sensor_id = 1, value, type = "fuel" } } };

    private static int Battery(JsonElement state) => state.GetProperty("data").GetProperty("battery_level").GetInt32();

    private static List<long> Sources(JsonElement batch) =>
        [.. batch.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("state").GetProperty("source_id").GetInt64())];

    private static List<long> IotTrackers(JsonElement packet) =>
        [.. packet.GetProperty("data").GetProperty("iot_last_values").EnumerateArray().Select(v => v.GetProperty("tracker_id").GetInt64())];
}

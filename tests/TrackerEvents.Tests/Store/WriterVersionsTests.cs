using Dapper;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Store;

/// <summary>
/// The server's own state writes stamp their versions from one block per transaction; the trigger still
/// versions every other writer's change, above them, and the feed delivers both in order. (Had the trigger
/// also fired for our rows, it would have given them versions of its own, above the block.)
/// </summary>
public sealed class WriterVersionsTests
{
    [Theory, EngineData(Engine.Sqlite), EngineData(Engine.Postgres)]
    public async Task OneIngestCall_TakesConsecutiveVersions_AndAnotherWritersChangeComesAfterThem(Engine engine)
    {
        var counter = engine == Engine.Sqlite ? "SELECT value FROM change_counter WHERE id = 1" : "SELECT last_value FROM change_version";
        await using var server = await RunningServer.StartAsync(engine);
        await server.CreateUserAsync("alice");
        var (a, _) = await server.CreateTrackerAsync("alice", "A");
        var (b, _) = await server.CreateTrackerAsync("alice", "B");
        await using var socket = await AtmosphereSocket.ConnectAsync(server);
        await socket.ReadHandshakeAsync();
        await socket.SubscribeAsync(await server.LoginAsync("alice"), new { type = "state", trackers = new[] { a, b } });
        await socket.NextEventAsync("state");
        await socket.NextEventAsync("state");
        await using var db = await server.Database!.OpenAsync();
        if (engine == Engine.Sqlite)
        {
            await db.ExecuteAsync("""
                CREATE TABLE counter_updates (at INTEGER);
                CREATE TRIGGER count_counter_updates AFTER UPDATE ON change_counter BEGIN INSERT INTO counter_updates VALUES (NEW.value); END;
                """);
        }

        var before = await db.ExecuteScalarAsync<long>(counter);

        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 10 }, new { tracker_id = b, battery_level = 20 }))
            .ShouldSucceed();

        var versions = (await db.QueryAsync<long>("SELECT version FROM tracker_states WHERE tracker_id IN (@A, @B) ORDER BY version",
            new { A = a, B = b })).ToList();
        versions.Should().Equal(before + 1, before + 2);
        (await db.ExecuteScalarAsync<long>(counter)).Should().Be(before + 2);
        if (engine == Engine.Sqlite)
        {
            (await db.QueryAsync<long>("SELECT at FROM counter_updates")).Should().Equal([before + 2], "one block for both rows, and no trigger of ours");
        }

        (await Battery(socket), await Battery(socket)).Should().Be((10, 20));

        await db.ExecuteAsync("UPDATE tracker_states SET state = @State WHERE tracker_id = @Id",
            new { State = """{"battery_level":30,"connection_status":"active"}""", Id = a });
        (await db.ExecuteScalarAsync<long>("SELECT version FROM tracker_states WHERE tracker_id = @A", new { A = a }))
            .Should().Be(before + 3, "the trigger versions a write that left the version as it was");
        (await server.IngestStatesAsync(new { tracker_id = b, battery_level = 40 })).ShouldSucceed();
        (await Battery(socket), await Battery(socket)).Should().Be((30, 40), "the other program's change has the lower version");
        (await db.ExecuteScalarAsync<long>("SELECT version FROM tracker_states WHERE tracker_id = @B", new { B = b })).Should().Be(before + 4);
    }

    [Theory, EngineData(Engine.Sqlite), EngineData(Engine.Postgres)]
    public async Task AStateTheServerWrites_IsStoredAsJsonText_ForOtherProgramsToRead(Engine engine)
    {
        await using var server = await RunningServer.StartAsync(engine);
        await server.CreateUserAsync("alice");
        var (a, _) = await server.CreateTrackerAsync("alice", "A");

        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 37, additional = new { note = new { value = "café" } } })).ShouldSucceed();

        await using var db = await server.Database!.OpenAsync();
        var (type, battery, note) = engine == Engine.Sqlite
            ? await db.QuerySingleAsync<(string, long, string)>(
                "SELECT typeof(state), json_extract(state, '$.battery_level'), json_extract(state, '$.additional.note.value') FROM tracker_states WHERE tracker_id = @A",
                new { A = a })
            : await db.QuerySingleAsync<(string, long, string)>(
                "SELECT pg_typeof(state)::TEXT, (state::JSON->>'battery_level')::BIGINT, state::JSON->'additional'->'note'->>'value' FROM tracker_states WHERE tracker_id = @A",
                new { A = a });
        (type, battery, note).Should().Be(("text", 37L, "café"), "the JSON is text, not the bytes it was sent as");
    }

    /// <summary>
    /// The write reads its trackers' state rows in the statement that locks the trackers, whose snapshot predates
    /// the lock: a row another program created while the write waited for the lock is looked at again and merged
    /// onto, not inserted a second time (which would fail the write on the primary key).
    /// </summary>
    [Theory, EngineData(Engine.Postgres)]
    public async Task AStateRowCreatedWhileTheWriteWaitsForTheTrackersLock_IsMergedOnto(Engine engine)
    {
        await using var server = await RunningServer.StartAsync(engine);
        await server.CreateUserAsync("alice");
        var (a, _) = await server.CreateTrackerAsync("alice", "A");
        await using var db = await server.Database!.OpenAsync();
        await db.ExecuteAsync("DELETE FROM tracker_states WHERE tracker_id = @A", new { A = a }); // as if another program had made the tracker

        await using var other = await server.Database.OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await other.ExecuteAsync("SELECT id FROM trackers WHERE id = @A FOR UPDATE", new { A = a }, transaction);
        var ingest = server.IngestStatesAsync(new { tracker_id = a, gps = new { speed = 12 } });
        await Eventually.Until(async () => await db.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") > 0,
            TimeSpan.FromSeconds(10), "the write to wait for the tracker's lock");
        await other.ExecuteAsync("""INSERT INTO tracker_states (tracker_id, state) VALUES (@A, '{"battery_level":61}')""", new { A = a }, transaction);
        await transaction.CommitAsync();

        (await ingest).ShouldSucceed();
        var (battery, speed) = await db.QuerySingleAsync<(long, long)>(
            "SELECT (state::JSON->>'battery_level')::BIGINT, (state::JSON->'gps'->>'speed')::BIGINT FROM tracker_states WHERE tracker_id = @A", new { A = a });
        (battery, speed).Should().Be((61L, 12L), "the ingest merged onto the row the other program created");
    }

    private static async Task<int> Battery(AtmosphereSocket socket) =>
        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("battery_level").GetInt32();
}

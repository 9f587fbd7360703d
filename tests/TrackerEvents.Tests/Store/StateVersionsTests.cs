using Dapper;
using TrackerEvents.Store;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Store;

/// <summary>
/// On SQLite a state write takes its trackers' row versions from the log of state changes instead of reading the
/// rows: whatever another program writes (an update, a row deleted and created again) is in that log, so the next
/// write merges onto it and overwrites nothing it did not see.
/// </summary>
public sealed class StateVersionsTests
{
    [Fact]
    public async Task AStateWrittenByAnotherProgram_IsWhatTheNextWriteMergesOnto_ThoughTheVersionsComeFromTheLog()
    {
        await using var server = await RunningServer.StartAsync(Engine.Sqlite);
        await server.CreateUserAsync("alice");
        var (a, _) = await server.CreateTrackerAsync("alice", "A");
        var (b, _) = await server.CreateTrackerAsync("alice", "B");
        var versions = server.Service<StateVersions>();
        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 1 }, new { tracker_id = b, battery_level = 1 })).ShouldSucceed();
        var hits = versions.Hits;
        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 2 }, new { tracker_id = b, battery_level = 2 })).ShouldSucceed();
        versions.Hits.Should().Be(hits + 1, "the second write took both versions from the log, not from the rows");

        await using var db = await server.Database!.OpenAsync();
        await db.ExecuteAsync("UPDATE tracker_states SET state = @State WHERE tracker_id = @Id",
            new { State = """{"battery_level":40,"connection_status":"active","gsm":{"signal_level":77}}""", Id = a });

        (await server.IngestStatesAsync(new { tracker_id = a, gps = new { speed = 12 } }, new { tracker_id = b, battery_level = 3 })).ShouldSucceed();

        versions.Hits.Should().Be(hits + 2, "the other program's write was in the log: the versions still came from it");
        var stored = await db.ExecuteScalarAsync<string>("SELECT state FROM tracker_states WHERE tracker_id = @Id", new { Id = a });
        stored.Should().Contain("\"battery_level\":40").And.Contain("\"signal_level\":77", "the write merged onto the other program's state")
            .And.Contain("\"speed\":12");
    }

    [Fact]
    public async Task AStateRowDeletedAndCreatedAgainByAnotherProgram_IsMergedOnto_NotOverwritten()
    {
        await using var server = await RunningServer.StartAsync(Engine.Sqlite);
        await server.CreateUserAsync("alice");
        var (a, _) = await server.CreateTrackerAsync("alice", "A");
        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 1 })).ShouldSucceed();
        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 2 })).ShouldSucceed();

        await using var db = await server.Database!.OpenAsync();
        await db.ExecuteAsync("DELETE FROM tracker_states WHERE tracker_id = @Id", new { Id = a });
        await db.ExecuteAsync("INSERT INTO tracker_states (tracker_id, state) VALUES (@Id, @State)",
            new { Id = a, State = """{"battery_level":90,"connection_status":"active","gsm":{"signal_level":55}}""" });

        (await server.IngestStatesAsync(new { tracker_id = a, gps = new { speed = 7 } })).ShouldSucceed();

        var stored = await db.ExecuteScalarAsync<string>("SELECT state FROM tracker_states WHERE tracker_id = @Id", new { Id = a });
        stored.Should().Contain("\"battery_level\":90").And.Contain("\"signal_level\":55").And.Contain("\"speed\":7");
    }

    [Fact]
    public async Task AStateRowDeletedByAnotherProgram_IsCreatedAgain_ByTheNextWrite()
    {
        await using var server = await RunningServer.StartAsync(Engine.Sqlite);
        await server.CreateUserAsync("alice");
        var (a, _) = await server.CreateTrackerAsync("alice", "A");
        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 1 })).ShouldSucceed();
        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 2 })).ShouldSucceed();
        await using var socket = await AtmosphereSocket.ConnectAsync(server);
        await socket.ReadHandshakeAsync();
        await socket.SubscribeAsync(await server.LoginAsync("alice"), new { type = "state", trackers = new[] { a } });
        await socket.NextEventAsync("state");

        await using var db = await server.Database!.OpenAsync();
        await db.ExecuteAsync("DELETE FROM tracker_states WHERE tracker_id = @Id", new { Id = a });

        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 3 })).ShouldSucceed();

        (await db.ExecuteScalarAsync<string>("SELECT state FROM tracker_states WHERE tracker_id = @Id", new { Id = a }))
            .Should().Contain("\"battery_level\":3");
        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("battery_level").GetInt32().Should().Be(3);
    }
}

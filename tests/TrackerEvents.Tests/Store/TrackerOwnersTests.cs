using Dapper;
using TrackerEvents.Store;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Store;

/// <summary>
/// On SQLite a state write takes its trackers' owners and flags from memory while nothing has changed
/// them; a change by another program (plain SQL, no call of ours) is seen by the very next write.
/// </summary>
public sealed class TrackerOwnersTests
{
    [Fact]
    public async Task ASourceBlockedByAnotherProgram_IsNotSentFrom_AtTheNextWrite()
    {
        await using var server = await RunningServer.StartAsync(Engine.Sqlite);
        await server.CreateUserAsync("alice");
        var (a, sourceA) = await server.CreateTrackerAsync("alice", "A");
        var (b, _) = await server.CreateTrackerAsync("alice", "B");
        await using var socket = await AtmosphereSocket.ConnectAsync(server);
        await socket.ReadHandshakeAsync();
        await socket.SubscribeAsync(await server.LoginAsync("alice"), new { type = "state", trackers = new[] { a, b } });
        await socket.NextEventAsync("state");
        await socket.NextEventAsync("state");
        var owners = server.Service<TrackerOwners>();
        await WriteBothAsync(server, socket, a, b, 1);
        var hits = owners.Hits;
        await WriteBothAsync(server, socket, a, b, 2);
        owners.Hits.Should().Be(hits + 1, "the second write found both trackers known");

        await using (var db = await server.Database!.OpenAsync())
        {
            await db.ExecuteAsync("UPDATE sources SET blocked = 1 WHERE id = @Id", new { Id = sourceA });
        }

        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 5 })).ShouldSucceed();
        owners.Hits.Should().Be(hits + 1, "the block moved the counter: the write read its tracker again");
        (await server.IngestStatesAsync(new { tracker_id = b, battery_level = 6 })).ShouldSucceed();
        owners.Hits.Should().Be(hits + 1, "everything known before the block was forgotten");
        // Read before the next write of B: a state not yet sent is replaced by its tracker's newer one.
        Battery(await socket.NextEventAsync("state")).Should().Be(6, "A's source is blocked now: its state is not sent");
        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 7 }, new { tracker_id = b, battery_level = 8 })).ShouldSucceed();
        owners.Hits.Should().Be(hits + 2, "both were read again since, A as blocked");
        Battery(await socket.NextEventAsync("state")).Should().Be(8);
        await socket.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task ACreatedTracker_IsKnownAtItsFirstWrite_AndOnceCorruptedByAnotherProgram_IsNotWritten()
    {
        await using var server = await RunningServer.StartAsync(Engine.Sqlite);
        await server.CreateUserAsync("alice");
        var (a, _) = await server.CreateTrackerAsync("alice", "A");
        var owners = server.Service<TrackerOwners>();
        var hits = owners.Hits;
        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 1 })).ShouldSucceed();
        owners.Hits.Should().Be(hits + 1, "a tracker created by this server is known at its first write");
        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 2 })).ShouldSucceed();
        owners.Hits.Should().Be(hits + 2);

        await using var db = await server.Database!.OpenAsync();
        await db.ExecuteAsync("UPDATE trackers SET corrupted = 1 WHERE id = @Id", new { Id = a });

        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 3 })).ShouldFail(7).ErrorParameters
            .Should().Equal("states[0].tracker_id");
        (await db.ExecuteScalarAsync<string>("SELECT state FROM tracker_states WHERE tracker_id = @Id", new { Id = a }))
            .Should().Contain("\"battery_level\":2", "nothing was written to the corrupted tracker");
    }

    [Fact]
    public async Task EveryChangeAWriteDependsOn_MovesTheCounter_AndNoOtherDoes()
    {
        await using var server = await RunningServer.StartAsync(Engine.Sqlite);
        await server.CreateUserAsync("alice");
        await server.CreateUserAsync("bob");
        var (a, sourceA) = await server.CreateTrackerAsync("alice", "A");
        var (b, sourceB) = await server.CreateTrackerAsync("alice", "B");
        await using var db = await server.Database!.OpenAsync();
        var bob = await db.ExecuteScalarAsync<long>("SELECT id FROM users WHERE login = 'bob'");
        async Task<long> Generation() => await db.ExecuteScalarAsync<long>("SELECT value FROM tracker_generation WHERE id = 1");

        var unmoved = new[]
        {
            "UPDATE trackers SET label = 'renamed' WHERE id = @A",
            "UPDATE sources SET phone = '123' WHERE id = @SourceA",
            "UPDATE tracker_states SET state = '{}' WHERE tracker_id = @A",
        };
        var moved = new[]
        {
            "UPDATE trackers SET user_id = @Bob WHERE id = @A",
            "UPDATE trackers SET source_id = @SourceB WHERE id = @A",
            "UPDATE trackers SET source_id = @SourceA WHERE id = @A",
            "UPDATE trackers SET corrupted = 1 WHERE id = @A",
            "UPDATE sources SET blocked = 1 WHERE id = @SourceA",
            "DELETE FROM tracker_states WHERE tracker_id = @B; DELETE FROM trackers WHERE id = @B",
            "DELETE FROM sources WHERE id = @SourceB",
        };
        var parameters = new { A = a, B = b, SourceA = sourceA, SourceB = sourceB, Bob = bob };
        foreach (var sql in unmoved)
        {
            var before = await Generation();
            await db.ExecuteAsync(sql, parameters);
            (await Generation()).Should().Be(before, sql);
        }

        foreach (var sql in moved)
        {
            var before = await Generation();
            await db.ExecuteAsync(sql, parameters);
            (await Generation()).Should().BeGreaterThan(before, sql);
        }
    }

    private static async Task WriteBothAsync(RunningServer server, AtmosphereSocket socket, long a, long b, int level)
    {
        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = level }, new { tracker_id = b, battery_level = level })).ShouldSucceed();
        (Battery(await socket.NextEventAsync("state")), Battery(await socket.NextEventAsync("state"))).Should().Be((level, level));
    }

    private static int Battery(System.Text.Json.JsonElement state) => state.GetProperty("data").GetProperty("battery_level").GetInt32();
}

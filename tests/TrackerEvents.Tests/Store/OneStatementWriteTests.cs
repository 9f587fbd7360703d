using Dapper;
using TrackerEvents.Store;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Store;

/// <summary>
/// On PostgreSQL a write whose trackers' states this server remembers is one statement, merged in memory; when
/// another program has changed a row or a tracker since, that statement writes nothing, and the write is made in a
/// transaction that reads what changed: nothing the other program did is lost, and a tracker it blocked is not sent.
/// </summary>
public sealed class OneStatementWriteTests
{
    [Theory, EngineData(Engine.Postgres)]
    public async Task AnotherProgramsStateWrite_IsMergedOnto_ByATransaction_NotOverwrittenByTheStatement(Engine engine)
    {
        await using var server = await RunningServer.StartAsync(engine);
        await server.CreateUserAsync("alice");
        var (a, _) = await server.CreateTrackerAsync("alice", "A");
        var (b, _) = await server.CreateTrackerAsync("alice", "B");
        var one = server.Service<OneStatementWrite>();
        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 1 }, new { tracker_id = b, battery_level = 1 })).ShouldSucceed();
        one.Writes.Should().Be(1, "both trackers' states were remembered from their creation");

        await using var db = await server.Database!.OpenAsync();
        await db.ExecuteAsync("UPDATE tracker_states SET state = @State WHERE tracker_id = @Id",
            new { State = """{"battery_level":40,"connection_status":"active","gsm":{"signal_level":77}}""", Id = a });

        (await server.IngestStatesAsync(new { tracker_id = a, gps = new { speed = 12 } }, new { tracker_id = b, battery_level = 3 })).ShouldSucceed();

        one.Writes.Should().Be(1, "A's row had moved on: the statement wrote nothing");
        var stored = await db.ExecuteScalarAsync<string>("SELECT state FROM tracker_states WHERE tracker_id = @Id", new { Id = a });
        stored.Should().Contain("\"battery_level\":40").And.Contain("\"signal_level\":77").And.Contain("\"speed\":12");
        (await db.ExecuteScalarAsync<string>("SELECT state FROM tracker_states WHERE tracker_id = @Id", new { Id = b }))
            .Should().Contain("\"battery_level\":3", "the transaction wrote the whole call");

        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 4 }, new { tracker_id = b, battery_level = 4 })).ShouldSucceed();
        one.Writes.Should().Be(2, "what the transaction committed is remembered again");
    }

    [Theory, EngineData(Engine.Postgres)]
    public async Task ASourceBlockedByAnotherProgram_IsReadByATransaction_AndItsStateIsNotSent(Engine engine)
    {
        await using var server = await RunningServer.StartAsync(engine);
        await server.CreateUserAsync("alice");
        var (a, sourceA) = await server.CreateTrackerAsync("alice", "A");
        var (b, _) = await server.CreateTrackerAsync("alice", "B");
        await using var socket = await AtmosphereSocket.ConnectAsync(server);
        await socket.ReadHandshakeAsync();
        await socket.SubscribeAsync(await server.LoginAsync("alice"), new { type = "state", trackers = new[] { a, b } });
        await socket.NextEventAsync("state");
        await socket.NextEventAsync("state");
        var one = server.Service<OneStatementWrite>();

        await using (var db = await server.Database!.OpenAsync())
        {
            await db.ExecuteAsync("UPDATE sources SET blocked = TRUE WHERE id = @Id", new { Id = sourceA });
        }

        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 5 }, new { tracker_id = b, battery_level = 6 })).ShouldSucceed();

        one.Writes.Should().Be(0, "A's source had been blocked: the statement wrote nothing");
        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("battery_level").GetInt32().Should().Be(6,
            "a blocked tracker's state is not sent");
        await socket.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));
    }
}

using System.Text.Json;
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

    [Theory, EngineData(Engine.Postgres)]
    public async Task TwoNodesWritingTheSameTrackers_InStatementsAndTransactions_AtOnce_NeitherDeadlockNorLoseAWrite(Engine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var a = await RunningServer.StartOnAsync(database, "Api:AddressRateLimit=1000000");
        await using var b = await RunningServer.StartOnAsync(database, "Api:AddressRateLimit=1000000");
        await a.CreateUserAsync("fleet");
        var trackers = new long[12];
        for (var i = 0; i < trackers.Length; i++)
        {
            trackers[i] = (await a.CreateTrackerAsync("fleet", $"T{i}")).Id;
        }

        // Four writers at once, each its own key of additional. Node A's two write 4 trackers of their own half per call,
        // in one statement while A remembers the rows; node B's two write 2 of all 12, in transactions (B remembers
        // none of them, and A's writes move them on). So statements and transactions lock the same trackers and
        // rows all the time, and a B write now and then moves on a row that an A statement then finds changed.
        var last = new[] { "a1", "a2", "b1", "b2" }.ToDictionary(key => key, _ => new Dictionary<long, int>());
        async Task WriteAsync(RunningServer server, string key, long[] pool, int perCall, int rounds, int seed)
        {
            var random = new Random(seed);
            var written = last[key];
            for (var round = 1; round <= rounds; round++)
            {
                var some = pool.OrderBy(_ => random.Next()).Take(perCall).ToArray();
                (await server.IngestStatesAsync([.. some.Select(t => new { tracker_id = t, additional = new Dictionary<string, int> { [key] = round } })]))
                    .ShouldSucceed();
                foreach (var tracker in some)
                {
                    written[tracker] = round;
                }
            }
        }

        await Task.WhenAll(WriteAsync(a, "a1", trackers[..6], 4, 40, 1), WriteAsync(a, "a2", trackers[6..], 4, 40, 2),
            WriteAsync(b, "b1", trackers, 2, 10, 3), WriteAsync(b, "b2", trackers, 2, 10, 4));

        a.Service<OneStatementWrite>().Writes.Should().BeGreaterThan(20, "most of node A's writes were statements");
        await using var db = await database.OpenAsync();
        foreach (var tracker in trackers)
        {
            using var state = JsonDocument.Parse(await db.ExecuteScalarAsync<string>("SELECT state FROM tracker_states WHERE tracker_id = @Id",
                new { Id = tracker }) ?? "{}");
            foreach (var (key, written) in last)
            {
                if (written.TryGetValue(tracker, out var round))
                {
                    state.RootElement.GetProperty("additional").GetProperty(key).GetProperty("value").GetString()
                        .Should().Be(round.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{key}'s last write of tracker {tracker} holds");
                }
            }
        }
    }
}

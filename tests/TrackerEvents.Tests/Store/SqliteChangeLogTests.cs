using System.Text.Json;
using Dapper;
using TrackerEvents.Store;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Store;

/// <summary>
/// SQLite finds changed states through an append-only log (<c>state_changes</c>) rather than an index on the
/// state's version: every version a state row takes is logged, the feed reads each state once at its latest
/// version, and the entries whose state has moved on are deleted by <see cref="SqliteChangeLogPruner"/>.
/// </summary>
public sealed class SqliteChangeLogTests
{
    // The pruner's own timer stays out of the way; the tests run its ticks themselves.
    private const string Superseded =
        "SELECT COUNT(*) FROM state_changes c WHERE c.version IS NOT (SELECT version FROM tracker_states WHERE tracker_id = c.tracker_id)";

    private static readonly string[] ManualPruning = ["Store:ChangeLogPruneInterval=00:10:00", "Api:AddressRateLimit=1000000", "Api:RateLimit=1000000"];

    [Fact]
    public async Task AWriteDeletesTheRecentEntriesItSupersedes_ThePrunerTheRest_AndTheFeedReadsTheSameBeforeAndAfter()
    {
        await using var database = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await RunningServer.StartOnAsync(database, ManualPruning);
        await server.CreateUserAsync("log");
        // 2,500 trackers: their creations' entries fill more than one chunk of the pruner.
        var created = Enumerable.Range(0, 2_500).Select(i => new { login = "log", label = $"T{i}", device_id = RunningServer.NewDeviceId(), model = "m" });
        var all = (await server.AdminAsync("/admin/trackers/bulk", new { trackers = created })).ShouldSucceed()["trackers"].EnumerateArray()
            .Select(t => t.GetProperty("id").GetInt64()).ToArray();
        var trackers = all[^25..];
        await using var db = await database.OpenAsync();
        var before = await server.CurrentVersionAsync();

        // 100 batches, each writing the last 25 trackers once: each write deletes the entry it supersedes, which is recent.
        for (var batch = 0; batch < 100; batch++)
        {
            (await server.IngestStatesAsync([.. trackers.Select((id, k) => (object)new { tracker_id = id, battery_level = (batch + k) % 100 })])).ShouldSucceed();
        }

        (await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM state_changes WHERE version > @Before", new { Before = before }))
            .Should().Be(25, "the 2,500 writes logged their versions, and each deleted the entry of the version it replaced");

        // Another program writes one tracker with plain SQL and deletes another's state row: their entries stay.
        await db.ExecuteAsync("UPDATE tracker_states SET state = @State WHERE tracker_id = @Id",
            new { State = """{"battery_level":7,"connection_status":"active"}""", Id = trackers[0] });
        await db.ExecuteAsync("DELETE FROM tracker_states WHERE tracker_id = @Id", new { Id = trackers[1] });
        // 40,000 versions later (another program took them), the entries the next writes supersede are no longer recent.
        await db.ExecuteAsync("UPDATE change_counter SET value = value + 40000 WHERE id = 1");
        (await server.IngestStatesAsync([.. trackers[2..].Select(id => (object)new { tracker_id = id, battery_level = 55 })])).ShouldSucceed();

        (await db.ExecuteScalarAsync<long>(Superseded)).Should().Be(25, "the plain-SQL write's, the deleted row's, and the 23 the last writes left");
        var feedBefore = Summary(await server.ChangesAfterAsync(0));

        var pruner = server.Service<SqliteChangeLogPruner>();
        var deleted = 0;
        for (var tick = 0; tick < 3; tick++)
        {
            deleted += await pruner.PruneAsync(CancellationToken.None); // a tick visits 2,000 entries or more: two ticks make a round
        }

        deleted.Should().Be(25);
        (await db.ExecuteScalarAsync<long>(Superseded)).Should().Be(0);
        (await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM state_changes")).Should().Be(all.Length - 1, "one entry per state row stays");

        var feedAfter = Summary(await server.ChangesAfterAsync(0));
        feedAfter.Should().Equal(feedBefore, "pruning deletes only entries the feed skips");
        feedAfter.Select(c => c.TrackerId).Should().OnlyHaveUniqueItems().And.BeEquivalentTo(all.Where(t => t != trackers[1]),
            "each state once, at its latest version; a state row that is gone is not in the feed");
        feedAfter.Single(c => c.TrackerId == trackers[0]).BatteryLevel.Should().Be(7, "the plain-SQL write is the latest of the first tracker");
        feedAfter.Single(c => c.TrackerId == trackers[24]).BatteryLevel.Should().Be(55, "the last write of the last tracker");
    }

    [Fact]
    public async Task AnEntryCurrentWhenVisited_IsDeletedInTheNextRound_OnceItsStateMovesOn()
    {
        await using var database = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await RunningServer.StartOnAsync(database, ManualPruning);
        await server.CreateUserAsync("round");
        var (tracker, _) = await server.CreateTrackerAsync("round");
        var pruner = server.Service<SqliteChangeLogPruner>();
        await pruner.PruneAsync(CancellationToken.None);

        await using var db = await database.OpenAsync();
        // Another program's writes: theirs is no write of the server's, which would delete the entry it supersedes.
        const string Write = "UPDATE tracker_states SET state = @State WHERE tracker_id = @Id";
        await db.ExecuteAsync(Write, new { State = """{"battery_level":10}""", Id = tracker });
        (await pruner.PruneAsync(CancellationToken.None)).Should().Be(1, "the creation's entry has been superseded");
        // That tick visited the first write's entry while it was current, and reached the end of the log.
        await db.ExecuteAsync(Write, new { State = """{"battery_level":20}""", Id = tracker });
        (await pruner.PruneAsync(CancellationToken.None)).Should().Be(1, "the next round deletes the first write's entry");

        var logged = (await db.QueryAsync<long>("SELECT version FROM state_changes WHERE tracker_id = @Id", new { Id = tracker })).ToList();
        logged.Should().Equal(await db.ExecuteScalarAsync<long>("SELECT version FROM tracker_states WHERE tracker_id = @Id", new { Id = tracker }));
        var change = (await server.ChangesAfterAsync(0)).Should().ContainSingle(c => c.GetProperty("tracker_id").GetInt64() == tracker).Subject;
        change.GetProperty("state").GetProperty("battery_level").GetInt32().Should().Be(20);
    }

    [Fact]
    public async Task WhileThePrunerRunsEveryFewMilliseconds_AFeedFollowerMissesNoLatestState()
    {
        const int Trackers = 50;
        const int Rounds = 40;
        await using var database = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await RunningServer.StartOnAsync(database, "Store:ChangeLogPruneInterval=00:00:00.010",
            "Api:AddressRateLimit=1000000", "Api:RateLimit=1000000");
        await server.CreateUserAsync("race");
        var created = Enumerable.Range(0, Trackers).Select(i => new { login = "race", label = $"T{i}", device_id = RunningServer.NewDeviceId(), model = "m" });
        var trackers = (await server.AdminAsync("/admin/trackers/bulk", new { trackers = created })).ShouldSucceed()["trackers"].EnumerateArray()
            .Select(t => t.GetProperty("id").GetInt64()).ToArray();
        var before = await server.CurrentVersionAsync();
        var follower = new FeedFollower(server, before);
        var following = follower.RunAsync();

        // Two writers of the server's and another program. The other program also takes 40,000 versions now and
        // then, so that the entries the server's next writes supersede are old ones, left to the pruner.
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            for (var round = 0; round < Rounds; round++)
            {
                (await server.IngestStatesAsync([.. trackers.Select(id => (object)new { tracker_id = id, battery_level = round, additional = new { writer = w } })]))
                    .ShouldSucceed();
            }
        }));
        var other = Task.Run(async () =>
        {
            await using var db = await database.OpenAsync();
            for (var round = 0; round < Rounds; round++)
            {
                await db.ExecuteAsync("UPDATE tracker_states SET state = @State WHERE tracker_id = @Id",
                    new { State = $$"""{"battery_level":{{round}}}""", Id = trackers[round % Trackers] });
                if (round % 10 == 0)
                {
                    await db.ExecuteAsync("UPDATE change_counter SET value = value + 40000 WHERE id = 1");
                }
            }
        });
        await Task.WhenAll([.. writers, other]);

        var after = await server.CurrentVersionAsync();
        follower.Stop(after);
        await following.WaitAsync(TimeSpan.FromSeconds(30));
        await using var check = await database.OpenAsync();
        await Eventually.Until(async () => await check.ExecuteScalarAsync<long>(Superseded) == 0, TimeSpan.FromSeconds(10),
            "the pruner to delete every entry whose state has moved on");
        server.Service<SqliteChangeLogPruner>().Deleted.Should().BePositive("the other program's writes and the old entries were left to it");

        var stored = (await check.QueryAsync<(long Id, string State)>("SELECT tracker_id, state FROM tracker_states WHERE tracker_id IN @Ids",
            new { Ids = trackers })).ToDictionary(r => r.Id, r => JsonDocument.Parse(r.State).RootElement.GetProperty("battery_level").GetInt32());
        follower.Versions.Should().OnlyHaveUniqueItems().And.BeInAscendingOrder();
        follower.States.Keys.Should().BeEquivalentTo(trackers);
        follower.States.ToDictionary(s => s.Key, s => s.Value.GetProperty("battery_level").GetInt32()).Should().Equal(stored,
            "a follower ends with each tracker's stored state, whatever the pruner deleted meanwhile");
        var changes = await server.ChangesAfterAsync(before);
        changes.ToDictionary(c => c.GetProperty("tracker_id").GetInt64(), c => c.GetProperty("state").GetProperty("battery_level").GetInt32())
            .Should().Equal(stored, "and so does a reader that reads the feed afterwards, from the pruned log");
    }

    [Fact]
    public async Task ADatabaseFromBeforeTheLog_IsMigrated_WithEveryStateInTheFeed()
    {
        await using var database = await TestDatabase.CreateAsync(Engine.Sqlite);
        long[] trackers;
        await using (var first = await RunningServer.StartOnAsync(database, ManualPruning))
        {
            await first.CreateUserAsync("old");
            trackers = [(await first.CreateTrackerAsync("old", "A")).Id, (await first.CreateTrackerAsync("old", "B")).Id];
            (await first.IngestStatesAsync(new { tracker_id = trackers[0], battery_level = 11 }, new { tracker_id = trackers[1], battery_level = 22 },
                new { tracker_id = trackers[0], battery_level = 33 })).ShouldSucceed();
        }

        await using (var db = await database.OpenAsync())
        {
            // The schema as migration 0006 left it: no log, the version index, no logging trigger.
            await db.ExecuteAsync("""
                DROP TRIGGER tracker_states_version_logged;
                DROP TABLE state_changes;
                CREATE INDEX ix_tracker_states_version ON tracker_states (version);
                DELETE FROM schema_migrations WHERE id = 7;
                """);
        }

        await using var server = await RunningServer.StartOnAsync(database, ManualPruning);
        var feed = Summary(await server.ChangesAfterAsync(0));
        feed.Select(c => (c.TrackerId, c.BatteryLevel)).Should().Equal((trackers[0], 33), (trackers[1], 22));

        (await server.IngestStatesAsync(new { tracker_id = trackers[1], battery_level = 44 })).ShouldSucceed();
        Summary(await server.ChangesAfterAsync(feed[^1].Version)).Select(c => (c.TrackerId, c.BatteryLevel)).Should().Equal((trackers[1], 44));
    }

    private static List<(long Version, long TrackerId, int? BatteryLevel)> Summary(IEnumerable<System.Text.Json.JsonElement> changes) =>
    [
        .. changes.Where(c => c.GetProperty("type").GetString() == "state").Select(c => (c.GetProperty("version").GetInt64(), c.GetProperty("tracker_id").GetInt64(),
            c.GetProperty("state").GetProperty("battery_level") is { ValueKind: System.Text.Json.JsonValueKind.Number } level ? level.GetInt32() : (int?)null)),
    ];
}

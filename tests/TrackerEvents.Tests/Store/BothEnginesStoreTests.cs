using System.Text.Json;
using Dapper;
using TrackerEvents.Store;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Store;

/// <summary>
/// The store's promises, held by both engines: migrations, versions for writes made by anyone, no lost
/// update under concurrent batches, and a feed whose versions only go up.
/// </summary>
public sealed class BothEnginesStoreTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory, EngineData(Engine.Sqlite), EngineData(Engine.Postgres)]
    public async Task Migrations_TwoServersStartingTogether_BothStart_AndEachMigrationIsAppliedOnce(Engine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);

        var servers = await StartAllAsync(RunningServer.StartOnAsync(database), RunningServer.StartOnAsync(database));
        try
        {
            await using var db = await database.OpenAsync();
            var recorded = (await db.QueryAsync<MigrationRow>("SELECT id AS Id, name AS Name FROM schema_migrations ORDER BY id")).ToList();
            var embedded = Migrator.LoadScripts(engine == Engine.Sqlite ? "sqlite" : "postgres");
            recorded.Select(m => (m.Id, m.Name)).Should().Equal(embedded.Select(s => ((long)s.Id, s.Name)));

            // Both serve from the one store.
            await servers[0].CreateUserAsync("shared");
            (await servers[1].AdminAsync("/admin/users", new { login = "shared", password = "secret-password" })).ShouldFail(206);
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    [Theory, EngineData(Engine.Sqlite), EngineData(Engine.Postgres)]
    public async Task StateWrittenByPlainSql_AppearsInTheFeed_WithAHigherVersion(Engine engine)
    {
        await using var server = await RunningServer.StartAsync(engine);
        await server.CreateUserAsync("alice");
        var (trackerId, _) = await server.CreateTrackerAsync("alice");
        var before = await server.CurrentVersionAsync();

        await using (var db = await server.Database!.OpenAsync())
        {
            // Another program, writing the table directly: no server code involved.
            await db.ExecuteAsync("UPDATE tracker_states SET state = @State WHERE tracker_id = @Id",
                new { State = """{"battery_level":42,"connection_status":"active"}""", Id = trackerId });
        }

        var change = (await server.ChangesAfterAsync(before)).Should().ContainSingle().Subject;
        change.GetProperty("type").GetString().Should().Be("state");
        change.GetProperty("tracker_id").GetInt64().Should().Be(trackerId);
        change.GetProperty("version").GetInt64().Should().BeGreaterThan(before);
        change.GetProperty("state").GetProperty("battery_level").GetInt32().Should().Be(42);
        (await server.CurrentVersionAsync()).Should().Be(change.GetProperty("version").GetInt64());
    }

    [Theory, EngineData(Engine.Sqlite), EngineData(Engine.Postgres)]
    public async Task LifecycleFlagsFlippedByPlainSql_ProduceLifecycleEvents_InOrder(Engine engine)
    {
        await using var server = await RunningServer.StartAsync(engine);
        await server.CreateUserAsync("bob");
        var (trackerId, sourceId) = await server.CreateTrackerAsync("bob");
        var before = await server.CurrentVersionAsync();

        await using (var db = await server.Database!.OpenAsync())
        {
            await db.ExecuteAsync("UPDATE sources SET blocked = TRUE WHERE id = @Id", new { Id = sourceId });
            await db.ExecuteAsync("UPDATE sources SET blocked = TRUE WHERE id = @Id", new { Id = sourceId }); // no change, no event
            await db.ExecuteAsync("UPDATE sources SET blocked = FALSE WHERE id = @Id", new { Id = sourceId });
            await db.ExecuteAsync("UPDATE trackers SET corrupted = TRUE WHERE id = @Id", new { Id = trackerId });
        }

        var changes = await server.ChangesAfterAsync(before);
        changes.Select(c => (c.GetProperty("type").GetString(), c.GetProperty("tracker_id").GetInt64(), c.GetProperty("lifecycle_event").GetString()))
            .Should().Equal(("lifecycle", trackerId, "block"), ("lifecycle", trackerId, "unblock"), ("lifecycle", trackerId, "corrupt"));
        changes.Select(c => c.GetProperty("version").GetInt64()).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems()
            .And.OnlyContain(v => v > before);
    }

    [Theory, EngineData(Engine.Sqlite), EngineData(Engine.Postgres)]
    public async Task TwentyParallelBatches_OnTheSameTrackers_LoseNoUpdate_AndVersionTheFeedInOrder(Engine engine)
    {
        const int Batches = 20;
        const int Trackers = 100;
        // 100 tracker creations and a busy feed reader from one address: past the default API rate limit.
        await using var server = await RunningServer.StartAsync(engine, "Api:AddressRateLimit=1000000", "Api:RateLimit=1000000");
        await server.CreateUserAsync("carol");
        var trackerIds = new List<long>();
        for (var i = 0; i < Trackers; i++)
        {
            trackerIds.Add((await server.CreateTrackerAsync("carol", $"Truck {i}")).Id);
        }

        var before = await server.CurrentVersionAsync();
        var follower = new FeedFollower(server, before);
        var following = follower.RunAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, Batches).Select(batch => server.IngestStatesAsync(
            [.. trackerIds.Select(id => (object)new { tracker_id = id, additional = new Dictionary<string, string> { [$"batch_{batch}"] = $"{batch}" } })])));

        answers.Should().AllSatisfy(a => a.ShouldSucceed()["accepted"].GetInt32().Should().Be(Trackers));
        var after = await server.CurrentVersionAsync();
        after.Should().Be(before + Batches * Trackers, "each of the 2,000 row writes takes exactly one version");

        // A reader that followed the feed by watermark while the batches committed ends with every key.
        follower.Stop(after);
        await following.WaitAsync(Timeout);
        follower.Versions.Should().OnlyHaveUniqueItems().And.BeInAscendingOrder();
        follower.States.Keys.Should().BeEquivalentTo(trackerIds);
        var allKeys = Enumerable.Range(0, Batches).Select(b => $"batch_{b}").ToList();
        follower.States.Values.Should().AllSatisfy(s => s.GetProperty("additional").EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(allKeys));

        // And so does a reader that reads it all afterwards: one entry per tracker, at its latest version.
        var changes = await server.ChangesAfterAsync(before);
        changes.Select(c => c.GetProperty("tracker_id").GetInt64()).Should().BeEquivalentTo(trackerIds);
        changes.Select(c => c.GetProperty("version").GetInt64()).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems()
            .And.OnlyContain(v => v > before && v <= after);
        changes.Should().AllSatisfy(c => c.GetProperty("state").GetProperty("additional").EnumerateObject().Should().HaveCount(Batches));
    }

    [Theory, EngineData(Engine.Sqlite), EngineData(Engine.Postgres)]
    public async Task Logout_AppearsAsASessionEndedChange(Engine engine)
    {
        await using var server = await RunningServer.StartAsync(engine);
        await server.CreateUserAsync("erin");
        var hash = await server.LoginAsync("erin");
        var before = await server.CurrentVersionAsync();

        (await server.CallAsync("user/logout", new { hash })).ShouldSucceed();

        var change = (await server.ChangesAfterAsync(before)).Should().ContainSingle().Subject;
        change.GetProperty("type").GetString().Should().Be("session_ended");
        change.GetProperty("reason").GetString().Should().Be("logout");
        change.GetProperty("version").GetInt64().Should().Be(before + 1);
    }

    private static async Task<RunningServer[]> StartAllAsync(params Task<RunningServer>[] starting)
    {
        try
        {
            return await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var started in starting.Where(t => t.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }

            throw;
        }
    }

    private sealed class MigrationRow
    {
        public long Id { get; set; }
        public string Name { get; set; } = "";
    }
}

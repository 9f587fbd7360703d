using System.Globalization;
using Dapper;
using TrackerEvents.Dispatch;
using TrackerEvents.Store;
using TrackerEvents.Tests.Infrastructure;
using TrackerEvents.Tests.Protocol;
using TrackerEvents.Tracking;

namespace TrackerEvents.Tests.Store;

/// <summary>
/// The state changes a node commits reach its own viewers without a feed read, and only when their
/// versions continue what the node has dispatched: anything committed in between by someone else comes
/// through the feed, first. The safety poll is ten minutes away here, so that only the mechanism under test delivers.
/// </summary>
public sealed class HandoffTests
{
    private const string NoSafetyPoll = "Store:SafetyPollInterval=00:10:00";

    [Fact]
    public async Task AnIngestedState_ReachesItsViewer_HandedOver_WithoutAFeedRead()
    {
        await using var fleet = await Fleet.StartAsync(NoSafetyPoll);
        await using var socket = await fleet.ConnectAsync();
        await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        await socket.NextEventAsync("state");
        var dispatcher = fleet.Server.Service<ChangeDispatcher>();
        // The set-up's own changes (trackers handed over, a block read from the feed) come first; the count starts after them.
        var setUp = await fleet.Server.CurrentVersionAsync();
        await Eventually.Until(() => Task.FromResult(dispatcher.Watermark >= setUp), TimeSpan.FromSeconds(10), "the set-up's changes to be dispatched");
        var (handed, reads) = (dispatcher.Handed, dispatcher.FeedReads);

        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 77 } });

        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(77);
        dispatcher.Handed.Should().Be(handed + 1);
        dispatcher.FeedReads.Should().Be(reads, "the change was handed over by the writer, not read back");
    }

    [Fact]
    public async Task AHandedOverState_OfABlockedTracker_IsNotSent()
    {
        await using var fleet = await Fleet.StartAsync(NoSafetyPoll);
        await using var socket = await fleet.ConnectAsync();
        await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A, fleet.Blocked } });
        await socket.NextEventAsync("state");

        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.Blocked, gps = new { speed = 5 } });
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 6 } });

        var next = await socket.NextEventAsync("state");
        next.GetProperty("data").GetProperty("source_id").GetInt64().Should().Be(fleet.SourceA, "the blocked tracker's state is not sent");
        await socket.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));
    }

    [Theory, EngineData(Engine.Sqlite), EngineData(Engine.Postgres)]
    public async Task AWriteByAnotherProgram_BetweenTwoOfOurs_IsDeliveredFirst(Engine engine)
    {
        await using var server = await RunningServer.StartAsync(engine, NoSafetyPoll);
        await server.CreateUserAsync("alice");
        var (a, _) = await server.CreateTrackerAsync("alice", "A");
        var (b, _) = await server.CreateTrackerAsync("alice", "B");
        (await server.IngestStatesAsync(new { tracker_id = a, battery_level = 1 }, new { tracker_id = b, battery_level = 1 })).ShouldSucceed();
        await using var socket = await AtmosphereSocket.ConnectAsync(server);
        await socket.ReadHandshakeAsync();
        await socket.SubscribeAsync(await server.LoginAsync("alice"), new { type = "state", trackers = new[] { a, b } });
        await socket.NextEventAsync("state");
        await socket.NextEventAsync("state");

        await using (var db = await server.Database!.OpenAsync())
        {
            // No wake-up on SQLite, and the safety poll is ten minutes away: only the gap before our next write tells.
            await db.ExecuteAsync("UPDATE tracker_states SET state = @State WHERE tracker_id = @Id",
                new { State = """{"battery_level":42,"connection_status":"active"}""", Id = a });
        }

        (await server.IngestStatesAsync(new { tracker_id = b, battery_level = 43 })).ShouldSucceed();

        var first = await socket.NextEventAsync("state");
        var second = await socket.NextEventAsync("state");
        (Battery(first), Battery(second)).Should().Be((42, 43), "the other program's change has the lower version");
    }

    [Theory, EngineData(Engine.Sqlite), EngineData(Engine.Postgres)]
    public async Task ACreatedTrackersInitialState_IsRemembered_AsItsRowReadsBack_AndItsFirstWriteMergesOntoIt(Engine engine)
    {
        await using var server = await RunningServer.StartAsync(engine, NoSafetyPoll);
        await server.CreateUserAsync("alice");
        var dispatcher = server.Service<ChangeDispatcher>();
        var handed = dispatcher.Handed;

        var (tracker, _) = await server.CreateTrackerAsync("alice");

        await using (var db = await server.Database!.OpenAsync())
        {
            var row = await db.QuerySingleAsync<(string State, long Version)>(
                "SELECT state, version FROM tracker_states WHERE tracker_id = @Id", new { Id = tracker });
            server.Service<WrittenStates>().TryGet(tracker, row.Version, out var remembered).Should().BeTrue(
                "the creating transaction knew the state it stored and the version it got");
            StateWriter.ToCanonicalJson(remembered!).Should().Be(row.State, "a remembered state is exactly what its row reads back as");
        }

        if (engine == Engine.Sqlite)
        {
            // Nobody else announces on SQLite: the creation reaches the dispatcher only as a hand-over. Handed counts
            // only hand-overs dispatched; one whose change a feed read brought first is dropped, so the creation was
            // not read back. (Counting feed reads instead was racy: the user's creation, a commit that hands nothing
            // over, asks for a read that could come after the count was taken.)
            await Eventually.Until(() => Task.FromResult(dispatcher.Handed > handed), TimeSpan.FromSeconds(10),
                "the creation to be handed over, not read back");
        }

        await using var socket = await AtmosphereSocket.ConnectAsync(server);
        await socket.ReadHandshakeAsync();
        await socket.SubscribeAsync(await server.LoginAsync("alice"), new { type = "state", trackers = new[] { tracker } });
        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("connection_status").GetString().Should().Be("just_registered");
        (await server.IngestStatesAsync(new { tracker_id = tracker, battery_level = 9 })).ShouldSucceed();
        var first = await socket.NextEventAsync("state");
        Battery(first).Should().Be(9);
        first.GetProperty("data").GetProperty("movement_status").GetString().Should().Be("parked", "the write merged onto the initial state");
    }

    [Theory, EngineData(Engine.Postgres)]
    public async Task OnPostgres_ANodesOwnCommits_AreNotReadBack_WhenTheDatabaseAnnouncesThem(Engine engine)
    {
        await using var watched = await WatchedTracker.StartAsync(engine, NoSafetyPoll);
        var dispatcher = watched.Server.Service<ChangeDispatcher>();
        var reads = dispatcher.FeedReads;

        const int Commits = 20;
        for (var i = 1; i <= Commits; i++)
        {
            (await watched.Server.IngestStatesAsync(new { tracker_id = watched.Tracker, battery_level = i })).ShouldSucceed();
            Battery(await watched.Socket.NextEventAsync("state")).Should().Be(i);
        }

        // Every commit is announced by its NOTIFY, which says how far the versions go. Before, each announcement
        // was a feed read; now only one that overtakes the hand-over of its own commit is (a race, seldom).
        dispatcher.FeedReads.Should().BeLessThan(reads + Commits * 3 / 4, "the node's own commits were handed over, not read back");
    }

    [Theory, EngineData(Engine.Postgres)]
    public async Task OnPostgres_AnotherProgramsWrite_IsAnnouncedWithItsVersion_AndDelivered(Engine engine)
    {
        await using var watched = await WatchedTracker.StartAsync(engine, NoSafetyPoll);
        await using var db = await watched.Server.Database!.OpenAsync();
        await using var listener = (Npgsql.NpgsqlConnection)await watched.Server.Database.OpenAsync();
        await listener.ExecuteAsync("LISTEN trackerevents_changes");
        var payload = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Notification += (_, e) => payload.TrySetResult(e.Payload);

        await db.ExecuteAsync("UPDATE tracker_states SET state = @State WHERE tracker_id = @Id",
            new { State = """{"battery_level":55,"connection_status":"active"}""", Id = watched.Tracker });

        Battery(await watched.Socket.NextEventAsync("state")).Should().Be(55, "the announcement woke the reader, ten minutes before its poll");
        await listener.WaitAsync(TimeSpan.FromSeconds(5));
        var version = await db.ExecuteScalarAsync<long>("SELECT version FROM tracker_states WHERE tracker_id = @Id", new { Id = watched.Tracker });
        (await payload.Task.WaitAsync(TimeSpan.FromSeconds(5))).Should().Be(
            version.ToString(CultureInfo.InvariantCulture), "the notification carries the version written");
    }

    private static int Battery(System.Text.Json.JsonElement state) => state.GetProperty("data").GetProperty("battery_level").GetInt32();
}

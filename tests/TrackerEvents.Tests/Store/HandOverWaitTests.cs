using Dapper;
using Npgsql;
using TrackerEvents.Dispatch;
using TrackerEvents.Tests.Infrastructure;
using TrackerEvents.Tests.Protocol;

namespace TrackerEvents.Tests.Store;

/// <summary>
/// On PostgreSQL a node hears of its own commits twice: the write's answer, after which it hands the changes to
/// its dispatcher, and the database's announcement of the versions on the listener's connection. The two arrive
/// together; when the announcement came first, the dispatcher read the feed for changes it was about to be handed.
/// It now waits for a write of its own that is under way (<c>Store:HandOverWait</c>), and no longer than that,
/// so another program's change is never held up behind a write that does not end. The safety poll is ten
/// minutes away, so only the mechanism under test reads or delivers.
/// </summary>
public sealed class HandOverWaitTests
{
    private const string NoSafetyPoll = "Store:SafetyPollInterval=00:10:00";

    [Theory, EngineData(Engine.Postgres)]
    public async Task ANodesOwnCommits_AreNotReadBackFromTheFeed_WhenTheirAnnouncementComesFirst(Engine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        // A generous wait, so that a slow machine cannot make a write outlast it.
        await using var server = await RunningServer.StartOnAsync(database, NoSafetyPoll, "Store:HandOverWait=00:00:05", "Api:AddressRateLimit=1000000");
        var (dispatcher, trackers) = await SetUpAsync(server, count: 4);
        var (reads, handed) = (dispatcher.FeedReads, dispatcher.Handed);

        const int Writes = 60;
        for (var i = 0; i < Writes; i++)
        {
            (await server.IngestStatesAsync([.. trackers.Select(t => new { tracker_id = t, battery_level = i })])).ShouldSucceed();
        }

        var last = await server.CurrentVersionAsync();
        await Eventually.Until(() => Task.FromResult(dispatcher.Watermark >= last), TimeSpan.FromSeconds(10), "the writes to be dispatched");
        dispatcher.Handed.Should().Be(handed + Writes * trackers.Length, $"every change was handed over (reads {dispatcher.FeedReads - reads}, dispatched {dispatcher.Dispatched})");
        dispatcher.FeedReads.Should().Be(reads, "no announcement of the node's own versions made it read the feed");
    }

    [Theory, EngineData(Engine.Postgres)]
    public async Task AnotherProgramsChange_IsDelivered_WhileAWriteOfTheNodeIsStuck(Engine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var server = await RunningServer.StartOnAsync(database, NoSafetyPoll, "Store:HandOverWait=00:00:00.200");
        var (dispatcher, trackers) = await SetUpAsync(server, count: 2);
        await using var socket = await AtmosphereSocket.ConnectAsync(server);
        await socket.ReadHandshakeAsync();
        await socket.SubscribeAsync(await server.LoginAsync("owner"), new { type = "state", trackers = new[] { trackers[1] } });
        await socket.NextEventAsync("state");

        // The node's write of trackers[0] waits for a row lock held here: it is under way for as long as the test wants.
        await using var holder = (NpgsqlConnection)await database.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await holder.ExecuteAsync("SELECT 1 FROM tracker_states WHERE tracker_id = @Id FOR UPDATE", new { Id = trackers[0] }, hold);
        var stuck = server.IngestStatesAsync(new { tracker_id = trackers[0], battery_level = 5 });
        await Eventually.Until(() => Task.FromResult(server.Service<TrackerEvents.Store.ChangeHandoff>().Writing > 0), TimeSpan.FromSeconds(5),
            "the node's write to be under way");

        await using (var other = (NpgsqlConnection)await database.OpenAsync())
        {
            await other.ExecuteAsync("UPDATE tracker_states SET state = @State WHERE tracker_id = @Id",
                new { State = """{"battery_level":77,"connection_status":"active"}""", Id = trackers[1] });
        }

        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("battery_level").GetInt32().Should().Be(77,
            "the other program's change was read from the feed once the wait was over, the node's write still stuck");
        stuck.IsCompleted.Should().BeFalse();

        await hold.RollbackAsync();
        (await stuck).ShouldSucceed();
    }

    private static async Task<(ChangeDispatcher Dispatcher, long[] Trackers)> SetUpAsync(RunningServer server, int count)
    {
        await server.CreateUserAsync("owner");
        var trackers = new long[count];
        for (var i = 0; i < count; i++)
        {
            trackers[i] = (await server.CreateTrackerAsync("owner", $"T{i}")).Id;
        }

        var dispatcher = server.Service<ChangeDispatcher>();
        var setUp = await server.CurrentVersionAsync();
        await Eventually.Until(() => Task.FromResult(dispatcher.Watermark >= setUp), TimeSpan.FromSeconds(10), "the set-up to be dispatched");
        return (dispatcher, trackers);
    }
}

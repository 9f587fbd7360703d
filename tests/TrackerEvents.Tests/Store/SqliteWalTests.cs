using TrackerEvents.Store;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Store;

public sealed class SqliteWalTests
{
    [Fact]
    public async Task TheWriteAheadLog_IsCopiedBackInTheBackground_AndReused_SoItStaysBounded()
    {
        // The connections do not checkpoint in their commits; SqliteCheckpointer does, every interval.
        await using var server = await RunningServer.StartAsync("Store:CheckpointInterval=00:00:00.050", "Api:AddressRateLimit=1000000");
        await server.CreateUserAsync("wal");
        var trackers = new List<long>();
        for (var i = 0; i < 50; i++)
        {
            trackers.Add((await server.CreateTrackerAsync("wal", $"Truck {i}")).Id);
        }

        var checkpointer = server.Service<SqliteCheckpointer>();
        const int Rounds = 30;
        long largest = 0;
        for (var round = 0; round < Rounds; round++)
        {
            // ~50 states of 10 KB: about 0.5 MB of log per round, 15 MB in all.
            var filler = new string((char)('a' + round % 26), 10_000);
            (await server.IngestStatesAsync([.. trackers.Select(id => (object)new { tracker_id = id, additional = new { filler } })])).ShouldSucceed();
            var after = checkpointer.Completed + 2;
            await Eventually.Until(() => Task.FromResult(checkpointer.Completed >= after), TimeSpan.FromSeconds(10), "two checkpoints after the round");
            // No file is an empty log: SQLite deletes it when the last connection to the database closes.
            largest = Math.Max(largest, checkpointer.WalSize);
        }

        largest.Should().BeLessThan(4_000_000, "each round's log is copied back before the next round, which then writes it again from the start");

        var hash = await server.LoginAsync("wal");
        var state = (await server.CallAsync("tracker/get_state", new { hash, tracker_id = trackers[^1] })).ShouldSucceed()["state"];
        state.GetProperty("additional").GetProperty("filler").GetProperty("value").GetString().Should().StartWith(((char)('a' + (Rounds - 1) % 26)).ToString());
    }

    [Fact]
    public async Task AWriteAheadLogPastItsLimit_IsRestarted_WhileWritesAndReadsGoOn_AndTruncatedOnceTheyStop()
    {
        // Under continuous writes and reads a passive checkpoint never gets to start the log again, and the file
        // only grows (240 MB after 12 minutes of ingest was seen); past Store:WalSizeLimit it is started again.
        await using var server = await RunningServer.StartAsync("Store:CheckpointInterval=00:00:00.050", "Store:WalSizeLimit=262144",
            "Api:AddressRateLimit=1000000", "Api:RateLimit=1000000");
        await server.CreateUserAsync("wal");
        var trackers = new List<long>();
        for (var i = 0; i < 50; i++)
        {
            trackers.Add((await server.CreateTrackerAsync("wal", $"Truck {i}")).Id);
        }

        var hash = await server.LoginAsync("wal");
        var checkpointer = server.Service<SqliteCheckpointer>();
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                (await server.CallAsync("tracker/get_states", new { hash, trackers = trackers.Take(20) })).ShouldSucceed();
            }
        });

        long largest = 0;
        for (var round = 0; round < 10 || checkpointer.Restarted == 0; round++)
        {
            round.Should().BeLessThan(200, "a restarting checkpoint must come");
            var filler = new string((char)('a' + round % 26), 10_000); // ~0.5 MB of log per round, more than the limit
            (await server.IngestStatesAsync([.. trackers.Select(id => (object)new { tracker_id = id, additional = new { filler } })])).ShouldSucceed();
            largest = Math.Max(largest, checkpointer.WalSize);
            // One check per round: on a busy machine the checkpointer's timer can fall behind the writes, and the
            // bound below is about what each check does, not about how often the timer gets a core.
            var after = checkpointer.Completed + 1;
            await Eventually.Until(() => Task.FromResult(checkpointer.Completed >= after), TimeSpan.FromSeconds(10), "a check after the round");
        }

        await stop.CancelAsync();
        await reader;
        await Eventually.Until(() => Task.FromResult(checkpointer.WalSize <= 262_144), TimeSpan.FromSeconds(10),
            "the log to be truncated once the writes stop");
        checkpointer.WalSize.Should().BeLessThanOrEqualTo(262_144);
        largest.Should().BeLessThan(4_000_000, "each check restarts a log past the limit");
    }
}

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
        var wal = server.DatabasePath + "-wal";
        const int Rounds = 30;
        long largest = 0;
        for (var round = 0; round < Rounds; round++)
        {
            // ~50 states of 10 KB: about 0.5 MB of log per round, 15 MB in all.
            var filler = new string((char)('a' + round % 26), 10_000);
            (await server.IngestStatesAsync([.. trackers.Select(id => (object)new { tracker_id = id, additional = new { filler } })])).ShouldSucceed();
            var after = checkpointer.Completed + 2;
            await Eventually.Until(() => Task.FromResult(checkpointer.Completed >= after), TimeSpan.FromSeconds(10), "two checkpoints after the round");
            largest = Math.Max(largest, new FileInfo(wal).Length);
        }

        largest.Should().BeLessThan(4_000_000, "each round's log is copied back before the next round, which then writes it again from the start");

        var hash = await server.LoginAsync("wal");
        var state = (await server.CallAsync("tracker/get_state", new { hash, tracker_id = trackers[^1] })).ShouldSucceed()["state"];
        state.GetProperty("additional").GetProperty("filler").GetProperty("value").GetString().Should().StartWith(((char)('a' + (Rounds - 1) % 26)).ToString());
    }
}

using System.Text.Json;
using TrackerEvents.Dispatch;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Protocol;

/// <summary>
/// The dispatcher hands states to their watchers client by client, in runs of at most <see cref="StateRun.MaxChanges"/>:
/// one commit of more states than that reaches every watcher whole, each state once, for both kinds of stream.
/// </summary>
public sealed class LargeDispatchTests
{
    private const int Count = StateRun.MaxChanges + 88;

    [Fact]
    public async Task OneCommitOfMoreStatesThanARun_ReachesEveryWatcher_EachStateOnce()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("ann", password: null);
        var key = await server.CreateApiKeyAsync("ann");
        var trackers = Enumerable.Range(0, Count).Select(i => new { login = "ann", label = $"T{i}", device_id = RunningServer.NewDeviceId(), model = "m" });
        var ids = (await server.AdminAsync("/admin/trackers/bulk", new { trackers })).ShouldSucceed()["trackers"].EnumerateArray()
            .Select(t => t.GetProperty("id").GetInt64()).ToArray();
        var dispatcher = server.Service<ChangeDispatcher>();
        var created = await server.CurrentVersionAsync();
        await Eventually.Until(() => Task.FromResult(dispatcher.Watermark >= created), TimeSpan.FromSeconds(10), "the creations to be dispatched");

        await using var single = await AtmosphereSocket.ConnectAsync(server);
        await single.ReadHandshakeAsync();
        (await single.SubscribeAsync(key, new { type = "state", trackers = ids })).GetProperty("type").GetString().Should().Be("response");
        for (var i = 0; i < Count; i++)
        {
            await single.NextEventAsync("state"); // the snapshot, one event per tracker
        }

        await using var batched = await AtmosphereSocket.ConnectAsync(server);
        await batched.ReadHandshakeAsync();
        await batched.SubscribeAsync(key, new { type = "state_batch", target = new { type = "all" }, rate_limit = "100ms" });
        await batched.NextEventAsync("state_batch"); // the snapshot

        // One request, one transaction, one hand-over: all the states reach the dispatcher together.
        (await server.IngestStatesAsync([.. ids.Select((id, i) => (object)new { tracker_id = id, gps = new { speed = i + 1 } })])).ShouldSucceed();

        var speeds = new Dictionary<long, int>();
        for (var i = 0; i < Count; i++)
        {
            var data = (await single.NextEventAsync("state")).GetProperty("data");
            speeds.TryAdd(data.GetProperty("source_id").GetInt64(), Speed(data)).Should().BeTrue("each tracker's state comes once");
        }

        speeds.Values.Order().Should().Equal(Enumerable.Range(1, Count));
        await single.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));

        var latest = new Dictionary<long, int>();
        while (latest.Count < Count || latest.Values.Any(speed => speed == 0))
        {
            foreach (var item in (await batched.NextEventAsync("state_batch")).GetProperty("data").EnumerateArray())
            {
                latest[item.GetProperty("state").GetProperty("source_id").GetInt64()] = Speed(item.GetProperty("state"));
            }
        }

        latest.Should().Equal(speeds);
    }

    private static int Speed(JsonElement state) => state.GetProperty("gps").GetProperty("speed").GetInt32();
}

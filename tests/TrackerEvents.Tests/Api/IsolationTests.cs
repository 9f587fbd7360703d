using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Api;

/// <summary>A hash of one user never reads another user's tracker, by any HTTP route: it looks like a tracker that does not exist.</summary>
public sealed class IsolationTests
{
    [Fact]
    public async Task HashOfUserA_NeverReadsUserBsTrackers()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("owner");
        await server.CreateUserAsync("intruder");
        var (theirs, _) = await server.CreateTrackerAsync("owner", "Owner's truck");
        var (mine, _) = await server.CreateTrackerAsync("intruder", "Intruder's car");
        await server.IngestStatesAsync(new { tracker_id = theirs, gps = new { location = new { lat = 1.5, lng = 2.5 } } });
        var hash = await server.LoginAsync("intruder");

        var list = (await server.CallAsync("tracker/list", new { hash })).ShouldSucceed()["list"];
        list.EnumerateArray().Select(t => t.GetProperty("id").GetInt64()).Should().Equal(mine);
        (await server.CallAsync("tracker/read", new { hash, tracker_id = theirs })).ShouldFail(201);
        (await server.CallAsync("tracker/get_state", new { hash, tracker_id = theirs })).ShouldFail(201);
        (await server.CallAsync("tracker/get_states", new { hash, trackers = new[] { mine, theirs } })).ShouldFail(217);
        var lenient = (await server.CallAsync("tracker/get_states",
            new { hash, trackers = new[] { mine, theirs }, allow_not_exist = true })).ShouldSucceed();
        lenient["states"].EnumerateObject().Select(p => p.Name).Should().Equal(mine.ToString());
        lenient["not_exist"].EnumerateArray().Select(e => e.GetInt64()).Should().Equal(theirs);
        (await server.CallAsync("tracker/readings/list", new { hash, tracker_id = theirs })).ShouldFail(204, System.Net.HttpStatusCode.NotFound);
        (await server.CallAsync("tracker/readings/batch_list", new { hash, trackers = new[] { theirs } })).ShouldFail(217);
        lenient.Body.ToString().Should().NotContain("1.5").And.NotContain("Owner");
    }
}

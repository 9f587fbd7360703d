using System.Net;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Api;

/// <summary><c>tracker/get_last_gps_point</c>: the last point located by GPS, GSM LBS points left out.</summary>
public sealed class LastGpsPointTests
{
    [Fact]
    public async Task TheLastGpsPoint_SkipsGsmLbsFixes()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("gus", timeZone: "Europe/Amsterdam");
        var (id, _) = await server.CreateTrackerAsync("gus");
        var hash = await server.LoginAsync("gus");
        async Task<System.Text.Json.JsonElement> Point() => (await server.CallAsync("tracker/get_last_gps_point", new { hash, tracker_id = id })).ShouldSucceed()["value"];

        (await Point()).ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null, "the tracker never sent a fix");
        await server.IngestStatesAsync(new { tracker_id = id, gps = new { location = new { lat = 52.37, lng = 4.89 }, heading = 90, speed = 42, precision = 7, updated = "2025-10-08T12:00:00Z" } });
        await server.IngestStatesAsync(new { tracker_id = id, gps = new { location = new { lat = 52.5, lng = 5.1 }, gsm_lbs = true, precision = 1500, updated = "2025-10-08T12:05:00Z" } });

        var point = await Point();
        point.GetProperty("lat").GetDouble().Should().Be(52.37);
        point.GetProperty("lng").GetDouble().Should().Be(4.89);
        point.GetProperty("heading").GetInt32().Should().Be(90);
        point.GetProperty("speed").GetInt32().Should().Be(42);
        point.GetProperty("precision").GetInt32().Should().Be(7);
        point.GetProperty("get_time").GetString().Should().Be("2025-10-08 14:00:00", "the fix's time in the user's zone");
        var state = (await server.CallAsync("tracker/get_state", new { hash, tracker_id = id })).ShouldSucceed()["state"];
        state.GetProperty("gps").GetProperty("location").GetProperty("lat").GetDouble().Should().Be(52.5, "the state shows the LBS fix");
        state.TryGetProperty("last_gps_fix", out _).Should().BeFalse("what the server keeps for this call is not part of the state");

        await server.IngestStatesAsync(new { tracker_id = id, gps = new { location = new { lat = 52.4, lng = 4.95 }, gsm_lbs = false, precision = 0 } });
        point = await Point();
        point.GetProperty("lat").GetDouble().Should().Be(52.4);
        point.TryGetProperty("precision", out _).Should().BeFalse("a precision of 0 is left out");
    }

    [Fact]
    public async Task AnotherUsersTracker_Is201_ABlockedOne_208_AndTheIdIsRequired()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("hal");
        await server.CreateUserAsync("ida");
        var (blocked, _) = await server.CreateTrackerAsync("hal");
        var (theirs, _) = await server.CreateTrackerAsync("ida");
        (await server.AdminAsync("/admin/trackers/block", new { tracker_id = blocked })).ShouldSucceed();
        var hash = await server.LoginAsync("hal");

        (await server.CallAsync("tracker/get_last_gps_point", new { hash, tracker_id = theirs })).ShouldFail(201);
        (await server.CallAsync("tracker/get_last_gps_point", new { hash, tracker_id = blocked })).ShouldFail(208, HttpStatusCode.Forbidden);
        (await server.CallAsync("tracker/get_last_gps_point", new { hash })).ShouldFail(7).ErrorParameters.Should().Equal("tracker_id");
    }
}

using System.Text.Json;
using TrackerEvents.Devices;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Devices;

/// <summary>
/// The connection status follows the device: active on a point, idle and then offline after silences
/// measured on the injected clock (the server's defaults, or the tracker's own), each a state event.
/// </summary>
public sealed class ConnectionStatusTests
{
    private const string FastSweep = "Devices:SweepInterval=00:00:00.050";

    [Fact]
    public async Task ASilentDevice_TurnsIdleThenOffline_AndItsNextPointMakesItActive()
    {
        var clock = new ManualClock();
        await using var fleet = await DeviceFleet.StartAsync(clock, FastSweep);
        (await fleet.ReportAsync($"id={fleet.DeviceA}&lat=52&lon=4.9")).Status.Should().Be(200);
        await using var socket = await fleet.SubscribeAsync(fleet.A);

        clock.Advance(TimeSpan.FromMinutes(4));
        await socket.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));
        clock.Advance(TimeSpan.FromMinutes(1));
        (await NextStatusAsync(socket)).Should().Be("idle");
        clock.Advance(TimeSpan.FromMinutes(5));
        (await NextStatusAsync(socket)).Should().Be("offline");
        await socket.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300)); // written once, however many sweeps pass

        (await fleet.ReportAsync($"id={fleet.DeviceA}&lat=52.1&lon=4.9")).Status.Should().Be(200);
        (await NextStatusAsync(socket)).Should().Be("active");
        clock.Advance(TimeSpan.FromMinutes(5));
        (await NextStatusAsync(socket)).Should().Be("idle", "a new silence starts over");
    }

    [Fact]
    public async Task ATrackersOwnSilences_OverrideTheServers()
    {
        var clock = new ManualClock();
        await using var fleet = await DeviceFleet.StartAsync(clock, FastSweep);
        var set = (await fleet.Server.AdminAsync("/admin/trackers/timeouts", new { tracker_id = fleet.B, idle_after = 60, offline_after = 120 })).ShouldSucceed();
        set["idle_after"].GetInt64().Should().Be(60);
        set["offline_after"].GetInt64().Should().Be(120);
        (await fleet.ReportAsync($"id={fleet.DeviceA}&lat=52&lon=4.9")).Status.Should().Be(200);
        (await fleet.ReportAsync($"id={fleet.DeviceB}&lat=52&lon=4.9")).Status.Should().Be(200);
        await using var socket = await fleet.SubscribeAsync(fleet.A, fleet.B);

        clock.Advance(TimeSpan.FromSeconds(61));
        (await NextStatusAsync(socket, fleet.SourceB)).Should().Be("idle");
        clock.Advance(TimeSpan.FromSeconds(60));
        (await NextStatusAsync(socket, fleet.SourceB)).Should().Be("offline");
        await socket.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300)); // A keeps the server's 5 minutes
        (await fleet.StateAsync(fleet.A)).GetProperty("connection_status").GetString().Should().Be("active");

        clock.Advance(TimeSpan.FromMinutes(4));
        (await NextStatusAsync(socket, fleet.SourceA)).Should().Be("idle");
    }

    [Fact]
    public async Task ATrackerFedOnlyThroughIngest_IsLeftAlone()
    {
        var clock = new ManualClock();
        await using var fleet = await DeviceFleet.StartAsync(clock, FastSweep);
        (await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, connection_status = "active", gps = new { speed = 3 } })).ShouldSucceed();
        await using var socket = await fleet.SubscribeAsync(fleet.A);

        clock.Advance(TimeSpan.FromHours(1));
        var sweeps = fleet.Server.Service<ConnectionStatusSweep>().Sweeps;
        await Eventually.Until(() => Task.FromResult(fleet.Server.Service<ConnectionStatusSweep>().Sweeps > sweeps + 2), TimeSpan.FromSeconds(5), "more sweeps");

        await socket.ExpectSilenceAsync(TimeSpan.FromMilliseconds(200));
        (await fleet.StateAsync(fleet.A)).GetProperty("connection_status").GetString().Should().Be("active", "its writer owns its status");
    }

    [Fact]
    public async Task TimeoutsThroughTheAdminApi_AreCheckedAndCanBeReset()
    {
        await using var fleet = await DeviceFleet.StartAsync();
        var admin = fleet.Server;

        var read = (await admin.AdminAsync("/admin/trackers/timeouts", new { tracker_id = fleet.A })).ShouldSucceed();
        read["idle_after"].ValueKind.Should().Be(JsonValueKind.Null, "null: the server's Devices:IdleAfter");
        read["offline_after"].ValueKind.Should().Be(JsonValueKind.Null);
        (await admin.AdminAsync("/admin/trackers/timeouts", new { tracker_id = fleet.A, idle_after = 600 })).ShouldSucceed()["idle_after"].GetInt64().Should().Be(600);
        (await admin.AdminAsync("/admin/trackers/timeouts", new { tracker_id = fleet.A, offline_after = 300 })).ShouldFail(7)
            .ErrorParameters.Should().Equal("offline_after");
        (await admin.AdminAsync("/admin/trackers/timeouts", new { tracker_id = fleet.A, idle_after = -1 })).ShouldFail(7).ErrorParameters.Should().Equal("idle_after");
        (await admin.AdminAsync("/admin/trackers/timeouts", new { tracker_id = fleet.A, idle_after = 31L * 24 * 3600 })).ShouldFail(7);
        (await admin.AdminAsync("/admin/trackers/timeouts", new { tracker_id = fleet.A + 999, idle_after = 60 })).ShouldFail(201);
        (await admin.AdminAsync("/admin/trackers/timeouts", new { tracker_id = fleet.A, idle_after = 60 }, key: null)).ShouldFail(2, System.Net.HttpStatusCode.Forbidden);

        var reset = (await admin.AdminAsync("/admin/trackers/timeouts", new { tracker_id = fleet.A, idle_after = 0 })).ShouldSucceed();
        reset["idle_after"].ValueKind.Should().Be(JsonValueKind.Null);
        (await admin.AdminAsync("/admin/trackers/timeouts", new { tracker_id = fleet.A })).ShouldSucceed()["idle_after"].ValueKind.Should().Be(JsonValueKind.Null);
    }

    private static async Task<string> NextStatusAsync(AtmosphereSocket socket) =>
        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("connection_status").GetString()!;

    /// <summary>The connection status of the next state event of the tracker with this source.</summary>
    private static async Task<string> NextStatusAsync(AtmosphereSocket socket, long sourceId)
    {
        var message = await socket.NextMessageAsync(m => m.GetProperty("type").GetString() == "event"
            && m.GetProperty("event").GetString() == "state" && m.GetProperty("data").GetProperty("source_id").GetInt64() == sourceId);
        return message.GetProperty("data").GetProperty("connection_status").GetString()!;
    }
}

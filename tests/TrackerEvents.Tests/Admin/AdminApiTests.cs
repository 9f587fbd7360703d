using System.Net;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Admin;

public sealed class AdminApiTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key-wrong-key-wrong-key")]
    public async Task AdminCalls_WithoutTheApiKey_Are2With403(string? key)
    {
        await using var server = await RunningServer.StartAsync();

        (await server.AdminAsync("/admin/users", new { login = "x", password = "y" }, key)).ShouldFail(2, HttpStatusCode.Forbidden);
        (await server.AdminAsync("/ingest/states", new { states = new[] { new { tracker_id = 1 } } }, key)).ShouldFail(2, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task CreateUser_ValidatesItsInput_AndRefusesATakenLogin()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("yan");

        (await server.AdminAsync("/admin/users", new { login = "YAN", password = "p" })).ShouldFail(206);
        (await server.AdminAsync("/admin/users", new { login = "zed", time_zone = "Mars/Olympus" })).ShouldFail(7).ErrorParameters.Should().Equal("time_zone");
        (await server.AdminAsync("/admin/users", new { password = "p" })).ShouldFail(7).ErrorParameters.Should().Equal("login");
    }

    [Fact]
    public async Task UserWithoutPassword_CannotLogIn_ButWorksThroughApiKeys()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("robot", password: null);
        var key = await server.CreateApiKeyAsync("robot");

        (await server.CallAsync("user/auth", new { login = "robot", password = "anything" })).ShouldFail(102);
        (await server.CallAsync("tracker/list", new { hash = key })).ShouldSucceed();
    }

    [Fact]
    public async Task CreateTracker_ValidatesDeviceIds_AndRefusesATakenOne()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("abe");
        var deviceId = RunningServer.NewDeviceId();
        (await server.AdminAsync("/admin/trackers", new { login = "abe", label = "One", device_id = deviceId, model = "m" })).ShouldSucceed();

        (await server.AdminAsync("/admin/trackers", new { login = "abe", label = "Two", device_id = deviceId, model = "m" })).ShouldFail(224);
        (await server.AdminAsync("/admin/trackers", new { login = "abe", label = "Two", device_id = "a b", model = "m" }))
            .ShouldFail(7).ErrorParameters.Should().Equal("device_id");
        (await server.AdminAsync("/admin/trackers", new { login = "nobody", label = "Two", device_id = RunningServer.NewDeviceId(), model = "m" }))
            .ShouldFail(201);
    }

    [Fact]
    public async Task Corrupt_RemovesTheTracker_Once()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("bo");
        var (id, _) = await server.CreateTrackerAsync("bo");
        var hash = await server.LoginAsync("bo");

        (await server.AdminAsync("/admin/trackers/corrupt", new { tracker_id = id })).ShouldSucceed();

        (await server.AdminAsync("/admin/trackers/corrupt", new { tracker_id = id })).ShouldFail(252);
        (await server.AdminAsync("/admin/trackers/block", new { tracker_id = id })).ShouldFail(201);
        (await server.AdminAsync("/admin/trackers/block", new { tracker_id = 999_999 })).ShouldFail(201);
        (await server.CallAsync("tracker/list", new { hash })).ShouldSucceed()["list"].GetArrayLength().Should().Be(0);
        (await server.CallAsync("tracker/read", new { hash, tracker_id = id })).ShouldFail(201);
    }

    [Fact]
    public async Task BlockUnblockAndCorrupt_AppearInTheChangeFeedAsLifecycleEvents()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("cy");
        var (id, _) = await server.CreateTrackerAsync("cy");
        var before = await server.CurrentVersionAsync();

        (await server.AdminAsync("/admin/trackers/block", new { tracker_id = id })).ShouldSucceed();
        (await server.AdminAsync("/admin/trackers/block", new { tracker_id = id })).ShouldSucceed(); // no change, no event
        (await server.AdminAsync("/admin/trackers/unblock", new { tracker_id = id })).ShouldSucceed();
        (await server.AdminAsync("/admin/trackers/corrupt", new { tracker_id = id })).ShouldSucceed();

        var events = (await server.ChangesAfterAsync(before)).Where(c => c.GetProperty("type").GetString() == "lifecycle").ToList();
        events.Select(e => e.GetProperty("lifecycle_event").GetString()).Should().Equal("block", "unblock", "corrupt");
        events.Should().OnlyContain(e => e.GetProperty("tracker_id").GetInt64() == id);
        events.Select(e => e.GetProperty("version").GetInt64()).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
    }
}

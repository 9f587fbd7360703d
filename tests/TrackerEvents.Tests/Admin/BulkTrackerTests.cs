using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Admin;

public sealed class BulkTrackerTests
{
    [Fact]
    public async Task Bulk_CreatesEveryTracker_ForItsOwner_InItemOrder()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("ann", password: null);
        await server.CreateUserAsync("bob", password: null);
        var annKey = await server.CreateApiKeyAsync("ann");
        var bobKey = await server.CreateApiKeyAsync("bob");

        var answer = (await server.AdminAsync("/admin/trackers/bulk", new
        {
            trackers = new object[]
            {
                new { login = "ann", label = "A1", device_id = RunningServer.NewDeviceId(), model = "m" },
                new { login = "BOB", label = "B1", device_id = RunningServer.NewDeviceId(), model = "m", group_id = 3, phone = "+100" },
                new { login = "ann", label = "A2", device_id = RunningServer.NewDeviceId(), model = "m", tariff_end_date = "2030-01-31" },
            },
        })).ShouldSucceed();

        var ids = answer["trackers"].EnumerateArray().Select(t => t.GetProperty("id").GetInt64()).ToArray();
        ids.Should().HaveCount(3).And.OnlyHaveUniqueItems();
        answer["trackers"].EnumerateArray().Should().OnlyContain(t => t.GetProperty("source_id").GetInt64() > 0);
        var annList = (await server.CallAsync("tracker/list", new { hash = annKey })).ShouldSucceed()["list"].EnumerateArray()
            .Select(t => (t.GetProperty("id").GetInt64(), t.GetProperty("label").GetString())).ToArray();
        annList.Should().Equal((ids[0], "A1"), (ids[2], "A2"));
        var bob = (await server.CallAsync("tracker/read", new { hash = bobKey, tracker_id = ids[1] })).ShouldSucceed()["value"];
        bob.GetProperty("group_id").GetInt64().Should().Be(3);
        (await server.CallAsync("tracker/get_state", new { hash = annKey, tracker_id = ids[2] })).ShouldSucceed();
    }

    [Fact]
    public async Task Bulk_IsAllOrNothing_NamingTheBadItem()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("cy", password: null);
        var key = await server.CreateApiKeyAsync("cy");
        var taken = RunningServer.NewDeviceId();
        var twice = RunningServer.NewDeviceId();
        (await server.AdminAsync("/admin/trackers", new { login = "cy", label = "Old", device_id = taken, model = "m" })).ShouldSucceed();

        object Good() => new { login = "cy", label = "New", device_id = RunningServer.NewDeviceId(), model = "m" };
        (await server.AdminAsync("/admin/trackers/bulk", new { trackers = new[] { Good(), new { login = "cy", label = "X", device_id = "a b", model = "m" } } }))
            .ShouldFail(7).ErrorParameters.Should().Equal("trackers[1].device_id");
        (await server.AdminAsync("/admin/trackers/bulk", new { trackers = new[] { Good(), new { login = "nobody", label = "X", device_id = RunningServer.NewDeviceId(), model = "m" } } }))
            .ShouldFail(7).ErrorParameters.Should().Equal("trackers[1].login");
        (await server.AdminAsync("/admin/trackers/bulk", new { trackers = new[] { Good(), new { login = "cy", label = "X", device_id = taken, model = "m" } } }))
            .ShouldFail(7).ErrorParameters.Should().Equal("trackers[1].device_id");
        (await server.AdminAsync("/admin/trackers/bulk", new
        {
            trackers = new[] { new { login = "cy", label = "X", device_id = twice, model = "m" }, new { login = "cy", label = "Y", device_id = twice, model = "m" } },
        })).ShouldFail(7).ErrorParameters.Should().Equal("trackers[1].device_id");
        (await server.AdminAsync("/admin/trackers/bulk", new { trackers = new[] { new { login = "cy" } } }))
            .ShouldFail(7).ErrorParameters.Should().BeEquivalentTo("trackers[0].label", "trackers[0].device_id", "trackers[0].model");
        (await server.AdminAsync("/admin/trackers/bulk", new { trackers = Array.Empty<object>() })).ShouldFail(7).ErrorParameters.Should().Equal("trackers");

        (await server.CallAsync("tracker/list", new { hash = key })).ShouldSucceed()["list"].GetArrayLength().Should().Be(1);
    }

    [Fact]
    public async Task Bulk_NeedsTheAdminKey()
    {
        await using var server = await RunningServer.StartAsync();
        (await server.AdminAsync("/admin/trackers/bulk", new { trackers = new[] { new { login = "x" } } }, key: null))
            .ShouldFail(2, System.Net.HttpStatusCode.Forbidden);
    }
}

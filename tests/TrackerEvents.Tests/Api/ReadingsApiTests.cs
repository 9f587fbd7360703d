using System.Net;
using System.Text.Json;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Api;

public sealed class ReadingsApiTests
{
    private static object[] Sensors(long trackerId) =>
    [
        new
        {
            tracker_id = trackerId,
            inputs = new object[]
            {
                new { sensor_id = 1, value = 42.5, label = "Fuel", units = "l", name = "fuel_1", type = "fuel", units_type = "litre", update_time = "2025-01-01T10:00:00Z" },
                new { sensor_id = 2, value = 20.0, label = "Fuel A", type = "fuel" },
                new { sensor_id = 3, value = 22.5, label = "Fuel B", type = "fuel" },
                new { sensor_id = 4, value = 42.5, label = "Fuel total", type = "fuel", composite_sensor_ids = new[] { 2, 3 } },
                new { sensor_id = 5, value = -3.5, label = "Fridge", type = "temperature" },
            },
            states = new object[] { new { field = "input_status", value = 9 } },
            virtual_sensors = new object[] { new { sensor_id = 6, value = "on", label = "Ignition", type = "virtual_ignition" } },
            counters = new object[] { new { type = "odometer", value = 1234.5 } },
        },
    ];

    [Fact]
    public async Task List_ReturnsTheFourArrays_WithDatesInTheUsersStyle()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("uma", timeZone: "Europe/Amsterdam");
        var (id, _) = await server.CreateTrackerAsync("uma");
        (await server.AdminAsync("/ingest/readings", new { readings = Sensors(id) })).ShouldSucceed()["accepted"].GetInt32().Should().Be(1);
        var hash = await server.LoginAsync("uma");

        var answer = (await server.CallAsync("tracker/readings/list", new { hash, tracker_id = id })).ShouldSucceed();

        answer["inputs"].GetArrayLength().Should().Be(5);
        var fuel = answer["inputs"].EnumerateArray().Single(i => i.GetProperty("sensor_id").GetInt64() == 1);
        fuel.GetProperty("value").GetDouble().Should().Be(42.5);
        fuel.GetProperty("units_type").GetString().Should().Be("litre");
        fuel.GetProperty("update_time").GetString().Should().Be("2025-01-01 11:00:00");
        answer["states"][0].GetProperty("field").GetString().Should().Be("input_status");
        answer["virtual_sensors"][0].GetProperty("type").GetString().Should().Be("virtual_ignition");
        answer["counters"][0].GetProperty("type").GetString().Should().Be("odometer");
        answer["counters"][0].GetProperty("update_time").GetString().Should().MatchRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$");
    }

    [Fact]
    public async Task SensorTypeAndIncludeComponents_FilterTheItems()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("vic");
        var (id, _) = await server.CreateTrackerAsync("vic");
        (await server.AdminAsync("/ingest/readings", new { readings = Sensors(id) })).ShouldSucceed();
        var hash = await server.LoginAsync("vic");

        var fuel = (await server.CallAsync("tracker/readings/list", new { hash, tracker_id = id, sensor_type = "fuel" })).ShouldSucceed();
        Ids(fuel["inputs"]).Should().Equal(1, 2, 3, 4);
        fuel["virtual_sensors"].GetArrayLength().Should().Be(0);
        fuel.Body.TryGetProperty("states", out _).Should().BeFalse("with a sensor type, state values are omitted, not sent empty");
        fuel.Body.TryGetProperty("counters", out _).Should().BeFalse("with a sensor type, counters are omitted, not sent empty");

        var ignition = (await server.CallAsync("tracker/readings/batch_list", new { hash, trackers = new[] { id }, sensor_type = "virtual_ignition" }))
            .ShouldSucceed()["result"].GetProperty(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ignition.GetProperty("inputs").GetArrayLength().Should().Be(0);
        Ids(ignition.GetProperty("virtual_sensors")).Should().Equal(6);
        ignition.TryGetProperty("states", out _).Should().BeFalse();
        ignition.TryGetProperty("counters", out _).Should().BeFalse();

        var noParts = (await server.CallAsync("tracker/readings/list", new { hash, tracker_id = id, include_components = false })).ShouldSucceed();
        Ids(noParts["inputs"]).Should().Equal(1, 4, 5);
        noParts["counters"].GetArrayLength().Should().Be(1);

        (await server.CallAsync("tracker/readings/list", new { hash, tracker_id = id, sensor_type = "plutonium" })).ShouldFail(7);
    }

    [Fact]
    public async Task BatchList_KeysResultsByTracker_And217ForUnknownIds()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("wes");
        var (a, _) = await server.CreateTrackerAsync("wes");
        var (b, _) = await server.CreateTrackerAsync("wes");
        (await server.AdminAsync("/ingest/readings", new { readings = Sensors(a) })).ShouldSucceed();
        var hash = await server.LoginAsync("wes");

        var result = (await server.CallAsync("tracker/readings/batch_list", new { hash, trackers = new[] { a, b } })).ShouldSucceed()["result"];
        result.GetProperty(a.ToString()).GetProperty("inputs").GetArrayLength().Should().Be(5);
        result.GetProperty(b.ToString()).GetProperty("inputs").GetArrayLength().Should().Be(0);
        (await server.CallAsync("tracker/readings/batch_list", new { hash, trackers = new[] { a, b + 999 } })).ShouldFail(217);
    }

    [Fact]
    public async Task List_OfAMissingTracker_Is204_AndOfABlockedOne_Is208()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("xia");
        var (id, _) = await server.CreateTrackerAsync("xia");
        (await server.AdminAsync("/admin/trackers/block", new { tracker_id = id })).ShouldSucceed();
        var hash = await server.LoginAsync("xia");

        (await server.CallAsync("tracker/readings/list", new { hash, tracker_id = id + 77 })).ShouldFail(204, HttpStatusCode.NotFound);
        (await server.CallAsync("tracker/readings/list", new { hash, tracker_id = id })).ShouldFail(208, HttpStatusCode.Forbidden);
    }

    private static IEnumerable<long> Ids(JsonElement inputs) => inputs.EnumerateArray().Select(i => i.GetProperty("sensor_id").GetInt64()).Order();
}

using System.Text.Json;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Admin;

public sealed class IngestTests
{
    [Fact]
    public async Task IngestedFields_AreMergedIntoTheCurrentState_AndStampedWhenNoTimeIsGiven()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("dee");
        var (id, _) = await server.CreateTrackerAsync("dee");
        var hash = await server.LoginAsync("dee");

        (await server.IngestStatesAsync(new
        {
            tracker_id = id,
            gps = new { location = new { lat = 52.1, lng = 4.3 }, speed = 30, updated = "2025-05-05T10:00:00Z" },
            battery_level = 50,
            additional = new { a = "1", b = new { value = "2", updated = "2025-05-05T09:00:00Z" } },
        })).ShouldSucceed()["accepted"].GetInt32().Should().Be(1);
        (await server.IngestStatesAsync(new { tracker_id = id, gps = new { speed = 40 }, movement_status = "moving", additional = new { a = (string?)null } }))
            .ShouldSucceed();

        var state = (await server.CallAsync("tracker/get_state", new { hash, tracker_id = id, iso_datetime = true })).ShouldSucceed()["state"];
        var gps = state.GetProperty("gps");
        gps.GetProperty("location").GetProperty("lat").GetDouble().Should().Be(52.1, "fields not in the update keep their value");
        gps.GetProperty("speed").GetInt32().Should().Be(40);
        gps.GetProperty("updated").GetString().Should().NotBe("2025-05-05T10:00:00Z", "a new fix without its own time is stamped with the ingest time");
        state.GetProperty("battery_level").GetInt32().Should().Be(50);
        state.GetProperty("movement_status").GetString().Should().Be("moving");
        state.GetProperty("movement_status_update").ValueKind.Should().Be(JsonValueKind.String);
        state.GetProperty("last_update").ValueKind.Should().Be(JsonValueKind.String);
        var additional = state.GetProperty("additional");
        additional.TryGetProperty("a", out _).Should().BeFalse("null removes an additional value");
        additional.GetProperty("b").GetProperty("updated").GetString().Should().Be("2025-05-05T09:00:00Z");
    }

    [Fact]
    public async Task ABatchWithOneBadItem_IsRejectedWhole_NamingTheItemAndField()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("eli");
        var (id, _) = await server.CreateTrackerAsync("eli");
        var before = await server.CurrentVersionAsync();

        var typed = (await server.IngestStatesAsync(
            new { tracker_id = id, gps = new { speed = 10 } },
            new { tracker_id = id, gps = new { speed = "fast" }, connection_status = "sleeping", color = "red" })).ShouldFail(7);
        typed.ErrorParameters.Should().BeEquivalentTo("states[1].gps.speed", "states[1].connection_status", "states[1].color");

        var unknown = (await server.IngestStatesAsync(
            new { tracker_id = id, gps = new { speed = 10 } },
            new { tracker_id = id + 4242, gps = new { speed = 11 } })).ShouldFail(7);
        unknown.ErrorParameters.Should().Equal("states[1].tracker_id");

        (await server.IngestStatesAsync(new { gps = new { speed = 1 } })).ShouldFail(7).ErrorParameters.Should().Equal("states[0].tracker_id");
        (await server.AdminAsync("/ingest/states", new { states = Array.Empty<object>() })).ShouldFail(7);
        (await server.AdminAsync("/ingest/states", new { nothing = 1 })).ShouldFail(7);

        (await server.CurrentVersionAsync()).Should().Be(before, "nothing of a rejected batch is written");
    }

    [Theory]
    [InlineData("2025-02-30T10:00:00.000Z")]
    [InlineData("2025-13-01T10:00:00.000Z")]
    [InlineData("2025-01-01T24:00:00.000Z")]
    [InlineData("2025-01-01T10:60:00.000Z")]
    [InlineData("0000-01-01T10:00:00.000Z")]
    [InlineData("2025-01-01T10:00:00.0a0Z")]
    [InlineData("2025-01-01X10:00:00.000Z")]
    public async Task ImpossibleDatesInTheStoresOwnFormat_AreRejectedLikeAnyOther(string date)
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("gus");
        var (id, _) = await server.CreateTrackerAsync("gus");

        (await server.IngestStatesAsync(new { tracker_id = id, gps = new { speed = 1, updated = date } })).ShouldFail(7)
            .ErrorParameters.Should().Equal("states[0].gps.updated");
    }

    [Theory]
    [InlineData("2024-02-29T23:59:59.999Z", "2024-02-29T23:59:59Z")]
    [InlineData("2025-05-05T12:00:00+02:00", "2025-05-05T10:00:00Z")]
    [InlineData("2025-05-05 10:00:00", "2025-05-05T10:00:00Z")]
    public async Task DatesInTheStoresOwnFormat_AndInTheOtherAcceptedForms_ReadBackAsTheSameInstant(string date, string isoUtc)
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("hal");
        var (id, _) = await server.CreateTrackerAsync("hal");
        var hash = await server.LoginAsync("hal");

        (await server.IngestStatesAsync(new { tracker_id = id, gps = new { speed = 1, updated = date } })).ShouldSucceed();

        (await server.CallAsync("tracker/get_state", new { hash, tracker_id = id, iso_datetime = true })).ShouldSucceed()["state"]
            .GetProperty("gps").GetProperty("updated").GetString().Should().Be(isoUtc);
    }

    [Theory, EngineData(Engine.Sqlite), EngineData(Engine.Postgres)]
    public async Task BatchesRejectedInsideTheWriteTransaction_LeaveTheStoreWritable_ForConcurrentWriters(Engine engine)
    {
        // An unknown tracker is found only inside the write transaction (SQLite: while this process holds
        // its one writer's turn). Each rejection must end the transaction and give the turn back.
        await using var server = await RunningServer.StartAsync(engine, "Api:AddressRateLimit=1000000");
        await server.CreateUserAsync("fay");
        var (id, _) = await server.CreateTrackerAsync("fay");

        var rejected = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => i % 2 == 0
            ? server.IngestStatesAsync(new { tracker_id = id + 5000 + i, gps = new { speed = i } })
            : server.AdminAsync("/ingest/readings", new { readings = new[] { new { tracker_id = id + 5000 + i, inputs = new[] { new { sensor_id = 1, value = 1.0 } } } } })))
            .WaitAsync(TimeSpan.FromSeconds(20));
        rejected.Should().AllSatisfy(a => a.ShouldFail(7).ErrorParameters.Single().Should().EndWith("[0].tracker_id"));

        var accepted = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => server.IngestStatesAsync(new { tracker_id = id, additional = new Dictionary<string, string> { [$"k{i}"] = "v" } })))
            .WaitAsync(TimeSpan.FromSeconds(20));
        accepted.Should().AllSatisfy(a => a.ShouldSucceed());
        var hash = await server.LoginAsync("fay");
        var additional = (await server.CallAsync("tracker/get_state", new { hash, tracker_id = id })).ShouldSucceed()["state"].GetProperty("additional");
        Enumerable.Range(1, 10).Should().AllSatisfy(i => additional.TryGetProperty($"k{i}", out _).Should().BeTrue());
    }

    [Fact]
    public async Task Readings_AreMergedItemByItem_AndBadItemsAreNamed()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("fox");
        var (id, _) = await server.CreateTrackerAsync("fox");
        var hash = await server.LoginAsync("fox");
        (await server.AdminAsync("/ingest/readings", new
        {
            readings = new[] { new { tracker_id = id, inputs = new object[] { new { sensor_id = 7, value = 1.0, label = "Fuel", type = "fuel" } } } },
        })).ShouldSucceed();
        (await server.AdminAsync("/ingest/readings", new
        {
            readings = new[] { new { tracker_id = id, inputs = new object[] { new { sensor_id = 7, value = 2.0 } } } },
        })).ShouldSucceed();

        var input = (await server.CallAsync("tracker/readings/list", new { hash, tracker_id = id })).ShouldSucceed()["inputs"][0];
        input.GetProperty("value").GetDouble().Should().Be(2.0);
        input.GetProperty("label").GetString().Should().Be("Fuel");

        var bad = (await server.AdminAsync("/ingest/readings", new
        {
            readings = new object[]
            {
                new { tracker_id = id, inputs = new object[] { new { value = 1 } }, counters = new object[] { new { type = "odometer", value = "far" } } },
                new { tracker_id = id, states = new object[] { new { field = "x", value = new { nested = true } } }, gadgets = Array.Empty<int>() },
            },
        })).ShouldFail(7);
        bad.ErrorParameters.Should().BeEquivalentTo(
            "readings[0].inputs[0].sensor_id", "readings[0].counters[0].value", "readings[1].states[0].value", "readings[1].gadgets");
    }
}

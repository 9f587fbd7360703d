using System.Net;
using System.Text.Json;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Api;

public sealed class TrackerApiTests
{
    [Fact]
    public async Task List_ReturnsTheUsersTrackers_FilteredByLabels()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("ann");
        var (truck, truckSource) = await server.CreateTrackerAsync("ann", "Red truck");
        await server.CreateTrackerAsync("ann", "Blue van");
        var hash = await server.LoginAsync("ann");

        var all = (await server.CallAsync("tracker/list", new { hash })).ShouldSucceed()["list"];
        var trucks = (await server.CallAsync("tracker/list", new { hash, labels = new[] { "TRUCK", "bike" } })).ShouldSucceed()["list"];

        all.GetArrayLength().Should().Be(2);
        trucks.GetArrayLength().Should().Be(1);
        var item = trucks[0];
        item.GetProperty("id").GetInt64().Should().Be(truck);
        item.GetProperty("label").GetString().Should().Be("Red truck");
        item.GetProperty("clone").GetBoolean().Should().BeFalse();
        item.GetProperty("group_id").GetInt64().Should().Be(0);
        item.GetProperty("tag_bindings").GetArrayLength().Should().Be(0);
        var source = item.GetProperty("source");
        source.GetProperty("id").GetInt64().Should().Be(truckSource).And.NotBe(truck);
        source.GetProperty("device_id").GetString().Should().StartWith("dev-");
        source.GetProperty("model").GetString().Should().Be("telfmb920");
        source.GetProperty("blocked").GetBoolean().Should().BeFalse();
        source.GetProperty("creation_date").GetString().Should().MatchRegex(@"^\d{4}-\d{2}-\d{2}$");
    }

    [Fact]
    public async Task List_LabelsMustBeValid()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("bea");
        var hash = await server.LoginAsync("bea");

        (await server.CallAsync("tracker/list", new { hash, labels = new[] { "a", "a" } })).ShouldFail(7).ErrorParameters.Should().Equal("labels");
        (await server.CallAsync("tracker/list", new { hash, labels = new[] { new string('x', 61) } })).ShouldFail(7);
        (await server.CallAsync("tracker/list", new { hash, labels = "not an array" })).ShouldFail(7);
    }

    [Fact]
    public async Task Read_ReturnsOneTracker_Or201()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("cid");
        var (id, _) = await server.CreateTrackerAsync("cid", "Mine");
        var hash = await server.LoginAsync("cid");

        var value = (await server.CallAsync("tracker/read", new { hash, tracker_id = id })).ShouldSucceed()["value"];
        value.GetProperty("label").GetString().Should().Be("Mine");
        value.GetProperty("tag_bindings").GetArrayLength().Should().Be(0, "Navixy's tracker/read example has it too");
        (await server.CallAsync("tracker/read", new { hash, tracker_id = id + 1000 })).ShouldFail(201);
        (await server.CallAsync("tracker/read", new { hash, tracker_id = "abc" })).ShouldFail(7).ErrorParameters.Should().Equal("tracker_id");
        (await server.CallAsync("tracker/read", new { hash })).ShouldFail(7);
    }

    [Fact]
    public async Task GetState_ReturnsTheFullStateInTheUsersTimeZone()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("dan", timeZone: "America/Mexico_City");
        var (id, source) = await server.CreateTrackerAsync("dan");
        (await server.IngestStatesAsync(new
        {
            tracker_id = id,
            gps = new { updated = "2025-10-08T18:31:28Z", signal_level = 100, location = new { lat = 25.841693, lng = -97.795668 }, heading = 358, speed = 79, alt = 10 },
            connection_status = "active",
            movement_status = "moving",
            ignition = true,
            gsm = new { signal_level = 32, network_name = "NEXTEL", roaming = (bool?)null },
            battery_level = 66,
            inputs = new[] { true, false },
            outputs = new[] { false },
            additional = new { event_code = new { value = "16", updated = "2025-10-08T18:10:51Z" } },
        })).ShouldSucceed();
        var hash = await server.LoginAsync("dan");

        var answer = (await server.CallAsync("tracker/get_state", new { hash, tracker_id = id })).ShouldSucceed();

        answer["user_time"].GetString().Should().MatchRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$");
        var state = answer["state"];
        state.GetProperty("source_id").GetInt64().Should().Be(source);
        var gps = state.GetProperty("gps");
        gps.GetProperty("updated").GetString().Should().Be("2025-10-08 12:31:28", "18:31 UTC is 12:31 in Mexico City (UTC-6)");
        gps.GetProperty("location").GetProperty("lat").GetDouble().Should().Be(25.841693);
        gps.GetProperty("speed").GetInt32().Should().Be(79);
        state.GetProperty("connection_status").GetString().Should().Be("active");
        state.GetProperty("movement_status").GetString().Should().Be("moving");
        state.GetProperty("actual_track_update").GetString().Should().Be("2025-10-08 12:31:28", "moving: the track was updated with this fix");
        state.GetProperty("ignition").GetBoolean().Should().BeTrue();
        state.GetProperty("gsm").GetProperty("network_name").GetString().Should().Be("NEXTEL");
        state.GetProperty("battery_level").GetInt32().Should().Be(66);
        state.GetProperty("inputs").EnumerateArray().Select(e => e.GetBoolean()).Should().Equal(true, false);
        state.GetProperty("additional").GetProperty("event_code").GetProperty("updated").GetString().Should().Be("2025-10-08 12:10:51");
        foreach (var field in new[] { "movement_status_update", "ignition_update", "last_update", "battery_update", "inputs_update", "outputs_update", "actual_track_update" })
        {
            state.TryGetProperty(field, out _).Should().BeTrue(field);
        }
    }

    [Fact]
    public async Task ActualTrackUpdate_IsTheLastTimeTheTrackerMoved()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("dora");
        var (id, _) = await server.CreateTrackerAsync("dora");
        var hash = await server.LoginAsync("dora");
        async Task<string?> TrackUpdate() =>
            (await server.CallAsync("tracker/get_state", new { hash, tracker_id = id, iso_datetime = true })).ShouldSucceed()["state"]
                .GetProperty("actual_track_update").GetString();

        await server.IngestStatesAsync(new { tracker_id = id, gps = new { location = new { lat = 52.1, lng = 4.9 }, updated = "2025-10-08T18:00:00Z" }, movement_status = "parked" });
        (await TrackUpdate()).Should().BeNull("it has not moved");
        await server.IngestStatesAsync(new { tracker_id = id, gps = new { location = new { lat = 52.2, lng = 4.9 }, speed = 50, updated = "2025-10-08T18:05:00Z" }, movement_status = "moving" });
        (await TrackUpdate()).Should().Be("2025-10-08T18:05:00Z");
        await server.IngestStatesAsync(new { tracker_id = id, gps = new { location = new { lat = 52.3, lng = 4.9 }, speed = 55, updated = "2025-10-08T18:06:00Z" } });
        (await TrackUpdate()).Should().Be("2025-10-08T18:06:00Z", "every fix while moving updates the track");
        await server.IngestStatesAsync(new { tracker_id = id, gps = new { speed = 0, updated = "2025-10-08T18:07:00Z" }, movement_status = "parked", movement_status_update = "2025-10-08T18:07:00Z" });
        await server.IngestStatesAsync(new { tracker_id = id, gps = new { location = new { lat = 52.3, lng = 4.9 }, updated = "2025-10-08T18:30:00Z" } });
        (await TrackUpdate()).Should().Be("2025-10-08T18:07:00Z", "parked since 18:07: that is when it last moved");
    }

    [Theory]
    [InlineData("body")]
    [InlineData("query")]
    [InlineData("header")]
    public async Task IsoDatetime_SwitchesDatesToIso8601WithTheZonesOffset(string where)
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("eve", timeZone: "America/Mexico_City");
        var (id, _) = await server.CreateTrackerAsync("eve");
        await server.IngestStatesAsync(new { tracker_id = id, gps = new { updated = "2025-10-08T18:31:28Z" } });
        var hash = await server.LoginAsync("eve");

        using var request = new HttpRequestMessage(HttpMethod.Post, where == "query" ? "/v2/tracker/get_state?iso_datetime=true" : "/v2/tracker/get_state")
        {
            Content = JsonContent(where == "body" ? new { hash, tracker_id = id, iso_datetime = true } : new { hash, tracker_id = id, iso_datetime = false }),
        };
        if (where != "body")
        {
            request.Content = JsonContent(new { hash, tracker_id = id });
        }

        if (where == "header")
        {
            request.Headers.Add("NVX-ISO-DateTime", "true");
        }

        var answer = (await ApiAnswer.ReadAsync(await server.Http.SendAsync(request))).ShouldSucceed();
        answer["state"].GetProperty("gps").GetProperty("updated").GetString().Should().Be("2025-10-08T12:31:28-06:00");
        answer["user_time"].GetString().Should().EndWith("-06:00");
    }

    [Fact]
    public async Task GetStates_KeysStatesByTrackerId_AndReportsBlockedAndMissingAsAsked()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("fay");
        var (a, _) = await server.CreateTrackerAsync("fay");
        var (b, _) = await server.CreateTrackerAsync("fay");
        var (gone, _) = await server.CreateTrackerAsync("fay");
        (await server.AdminAsync("/admin/trackers/block", new { tracker_id = b })).ShouldSucceed();
        (await server.AdminAsync("/admin/trackers/corrupt", new { tracker_id = gone })).ShouldSucceed();
        var hash = await server.LoginAsync("fay");
        var missing = a + 5000;

        (await server.CallAsync("tracker/get_states", new { hash, trackers = new[] { a } })).ShouldSucceed()["states"]
            .EnumerateObject().Select(p => p.Name).Should().Equal(a.ToString());
        (await server.CallAsync("tracker/get_states", new { hash, trackers = new[] { a, b } })).ShouldFail(208, HttpStatusCode.Forbidden);
        (await server.CallAsync("tracker/get_states", new { hash, trackers = new[] { a, missing } })).ShouldFail(217);
        (await server.CallAsync("tracker/get_states", new { hash, trackers = new[] { a, gone } })).ShouldFail(201);

        var answer = (await server.CallAsync("tracker/get_states",
            new { hash, trackers = new[] { a, b, gone, missing }, list_blocked = true, allow_not_exist = true })).ShouldSucceed();
        answer["states"].EnumerateObject().Select(p => p.Name).Should().Equal(a.ToString());
        answer["blocked"].EnumerateArray().Select(e => e.GetInt64()).Should().Equal(b);
        answer["not_exist"].EnumerateArray().Select(e => e.GetInt64()).Should().BeEquivalentTo([gone, missing]);
        answer["user_time"].GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task GetStates_AcceptsFormAndQueryArraysAsJsonStrings_AndCapsTheListAt2000()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("gil");
        var (a, _) = await server.CreateTrackerAsync("gil");
        var hash = await server.LoginAsync("gil");

        using var form = new FormUrlEncodedContent([new("hash", hash), new("trackers", $"[{a}]"), new("list_blocked", "true")]);
        (await ApiAnswer.ReadAsync(await server.Http.PostAsync("/v2/tracker/get_states", form))).ShouldSucceed()["states"]
            .TryGetProperty(a.ToString(), out _).Should().BeTrue();
        (await ApiAnswer.ReadAsync(await server.Http.GetAsync($"/v2/tracker/get_states?hash={hash}&trackers=%5B{a}%5D"))).ShouldSucceed();

        (await server.CallAsync("tracker/get_states", new { hash, trackers = Enumerable.Range(1, 2001).ToArray() }))
            .ShouldFail(7).ErrorParameters.Should().Equal("trackers");
        (await server.CallAsync("tracker/get_states", new { hash, trackers = Array.Empty<int>() })).ShouldFail(7);
        (await server.CallAsync("tracker/get_states", new { hash, trackers = new object[] { 1, "x" } })).ShouldFail(7);
        (await server.CallAsync("tracker/get_states", new { hash, trackers = new[] { a }, list_blocked = "maybe" }))
            .ShouldFail(7).ErrorParameters.Should().Equal("list_blocked");
    }

    [Fact]
    public async Task GetState_OfABlockedTracker_Is208()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("hal");
        var (id, _) = await server.CreateTrackerAsync("hal");
        (await server.AdminAsync("/admin/trackers/block", new { tracker_id = id })).ShouldSucceed();
        var hash = await server.LoginAsync("hal");

        (await server.CallAsync("tracker/get_state", new { hash, tracker_id = id })).ShouldFail(208, HttpStatusCode.Forbidden);
        (await server.CallAsync("tracker/list", new { hash })).ShouldSucceed()["list"][0]
            .GetProperty("source").GetProperty("blocked").GetBoolean().Should().BeTrue();

        (await server.AdminAsync("/admin/trackers/unblock", new { tracker_id = id })).ShouldSucceed();
        (await server.CallAsync("tracker/get_state", new { hash, tracker_id = id })).ShouldSucceed();
    }

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}

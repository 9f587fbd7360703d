using System.Text.Json;
using TrackerEvents.Subscriptions;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Protocol;

/// <summary>Every response and event shape of the WebSocket API (docs/protocol.md), over a raw WebSocket.</summary>
public sealed class SubscriptionTests
{
    [Fact]
    public async Task Subscribe_RequestsForm_AnswersStatusesPerType_ThenOneStateEventPerTracker()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var socket = await fleet.ConnectAsync();

        var response = await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A, fleet.Blocked, fleet.Foreign, 987654 } });

        response.GetProperty("type").GetString().Should().Be("response");
        response.GetProperty("action").GetString().Should().Be("subscription/subscribe");
        response.GetProperty("events").EnumerateArray().Select(e => e.GetString()).Should().Equal("state");
        var state = response.GetProperty("data").GetProperty("state");
        state.GetProperty("success").GetBoolean().Should().BeTrue();
        Statuses(state.GetProperty("value")).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            [fleet.A.ToString()] = "normal",
            [fleet.Blocked.ToString()] = "blocked",
            [fleet.Foreign.ToString()] = "unknown",
            ["987654"] = "unknown",
        });
        var snapshot = await socket.NextEventAsync("state");
        snapshot.GetProperty("data").GetProperty("source_id").GetInt64().Should().Be(fleet.SourceA);
        snapshot.GetProperty("user_time").GetString().Should().MatchRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$");
        await socket.ExpectSilenceAsync(TimeSpan.FromMilliseconds(500)); // no state for the blocked, unknown or foreign trackers
    }

    [Fact]
    public async Task Subscribe_LegacyForm_AnswersWithTheBareStatusMap()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var socket = await fleet.ConnectAsync();

        await socket.SendJsonAsync(new { action = "subscribe", hash = fleet.Hash, events = new[] { "state" }, trackers = new[] { fleet.A, fleet.Foreign } });

        var response = await socket.NextMessageAsync();
        response.GetProperty("events").EnumerateArray().Select(e => e.GetString()).Should().Equal("state");
        Statuses(response.GetProperty("data").GetProperty("state")).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            [fleet.A.ToString()] = "normal",
            [fleet.Foreign.ToString()] = "unknown",
        });
        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("source_id").GetInt64().Should().Be(fleet.SourceA);
    }

    [Fact]
    public async Task Unsubscribe_BothForms_StopTheEvents_AndMirrorTheirRequest()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var socket = await fleet.ConnectAsync();
        await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A, fleet.B } });
        await socket.NextEventAsync("state");
        await socket.NextEventAsync("state");

        await socket.SendJsonAsync(new { action = "unsubscribe", hash = fleet.Hash, events = new[] { "state" }, trackers = new[] { fleet.A } });
        var legacy = await socket.NextMessageAsync();
        legacy.GetProperty("action").GetString().Should().Be("subscription/unsubscribe");
        legacy.GetProperty("data").EnumerateArray().Select(e => e.GetInt64()).Should().Equal(fleet.A);

        await socket.SendJsonAsync(new { action = "unsubscribe", hash = fleet.Hash, requests = new[] { new { type = "state", trackers = new[] { fleet.B } } } });
        var current = await socket.NextMessageAsync();
        current.GetProperty("events").EnumerateArray().Select(e => e.GetString()).Should().Equal("state");
        current.GetProperty("data").GetProperty("state").GetProperty("value").GetProperty(fleet.B.ToString()).GetString().Should().Be("normal");

        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 1 } }, new { tracker_id = fleet.B, gps = new { speed = 2 } });
        await socket.ExpectSilenceAsync(TimeSpan.FromMilliseconds(700));
    }

    [Fact]
    public async Task IsoDatetime_AndCompactFormat_ShapeTheStateEvents()
    {
        await using var fleet = await Fleet.StartInZoneAsync("Asia/Kolkata");
        await using var socket = await fleet.ConnectAsync();

        await socket.SendJsonAsync(new
        {
            action = "subscribe",
            hash = fleet.Hash,
            iso_datetime = true,
            requests = new[] { new { type = "state", trackers = new[] { fleet.A }, format = "compact" } },
        });
        await socket.NextMessageAsync();
        var data = (await socket.NextEventAsync("state")).GetProperty("data");

        data.GetProperty("gps").GetProperty("updated").GetString().Should().Be("2025-10-08T20:00:00+05:30");
        var fields = data.EnumerateObject().Select(p => p.Name).ToList();
        fields.Should().Contain(["source_id", "gps", "connection_status", "movement_status", "movement_status_update", "last_update",
            "inputs", "inputs_update", "outputs", "outputs_update"]);
        fields.Should().NotContain(["gsm", "battery_level", "battery_update", "additional", "actual_track_update"]);
    }

    [Fact]
    public async Task StateBatch_SendsASnapshotBatch_ThenOnlyWhatChangedPerRateLimit_AndNothingWhenNothingChanged()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var socket = await fleet.ConnectAsync();

        var response = await socket.SubscribeAsync(fleet.Hash, new { type = "state_batch", target = new { type = "all" }, rate_limit = "300ms" });
        Statuses(response.GetProperty("data").GetProperty("state_batch").GetProperty("value")).Keys
            .Should().BeEquivalentTo([fleet.A.ToString(), fleet.B.ToString(), fleet.Blocked.ToString()]);
        var snapshot = await socket.NextEventAsync("state_batch");
        snapshot.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("type").GetString()).Should().Equal("source_state_event", "source_state_event");
        snapshot.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("state").GetProperty("source_id").GetInt64())
            .Should().BeEquivalentTo([fleet.SourceA, fleet.SourceB]);

        for (var speed = 1; speed <= 5; speed++)
        {
            await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed } });
        }

        var items = (await socket.NextEventAsync("state_batch")).GetProperty("data").EnumerateArray().ToList();
        items.Should().ContainSingle("only tracker A changed, and it appears once with its latest state");
        items[0].GetProperty("state").GetProperty("gps").GetProperty("speed").GetInt32().Should().BeInRange(1, 5);
        var latest = items[0].GetProperty("state").GetProperty("gps").GetProperty("speed").GetInt32();
        if (latest < 5)
        {
            // The ingest calls straddled a flush: the rest comes in the next batch.
            (await socket.NextEventAsync("state_batch")).GetProperty("data")[0].GetProperty("state").GetProperty("gps").GetProperty("speed").GetInt32()
                .Should().Be(5);
        }

        await socket.ExpectSilenceAsync(TimeSpan.FromMilliseconds(900));
    }

    [Fact]
    public async Task StateBatch_SuccessiveSubscribesFeedOneStream()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var socket = await fleet.ConnectAsync();
        await socket.SubscribeAsync(fleet.Hash, new { type = "state_batch", target = new { type = "selected", tracker_ids = new[] { fleet.A } }, rate_limit = "200ms" });
        (await socket.NextEventAsync("state_batch")).GetProperty("data").GetArrayLength().Should().Be(1);
        await socket.SubscribeAsync(fleet.Hash, new { type = "state_batch", target = new { type = "selected", tracker_ids = new[] { fleet.B } }, rate_limit = "200ms" });
        (await socket.NextEventAsync("state_batch")).GetProperty("data").GetArrayLength().Should().Be(1);

        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 31 } }, new { tracker_id = fleet.B, gps = new { speed = 32 } });

        var sources = (await socket.NextEventAsync("state_batch")).GetProperty("data").EnumerateArray()
            .Select(i => i.GetProperty("state").GetProperty("source_id").GetInt64());
        sources.Should().BeEquivalentTo([fleet.SourceA, fleet.SourceB]);
    }

    [Fact]
    public async Task ReadingsBatch_SendsCurrentReadings_ThenOnlyChangedItems_FilteredBySensorType()
    {
        await using var fleet = await Fleet.StartAsync();
        (await fleet.Server.AdminAsync("/ingest/readings", new
        {
            readings = new[]
            {
                new
                {
                    tracker_id = fleet.A,
                    inputs = new object[] { new { sensor_id = 1, value = 10.0, type = "fuel" }, new { sensor_id = 2, value = 20.0, type = "temperature" } },
                    counters = new object[] { new { type = "odometer", value = 100.0 } },
                },
            },
        })).ShouldSucceed();
        await using var socket = await fleet.ConnectAsync();
        await socket.SubscribeAsync(fleet.Hash, new { type = "readings_batch", target = new { type = "all" }, rate_limit = "200ms", sensor_type = "fuel" });

        var snapshot = (await socket.NextEventAsync("readings_batch")).GetProperty("data").EnumerateArray()
            .Single(i => i.GetProperty("tracker_id").GetInt64() == fleet.A);
        snapshot.GetProperty("type").GetString().Should().Be("readings_event");
        snapshot.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("sensor_id").GetInt32()).Should().Equal(1);
        snapshot.TryGetProperty("counters", out _).Should().BeFalse("a sensor type leaves out counters (the array, not only its items)");
        snapshot.TryGetProperty("states", out _).Should().BeFalse("a sensor type leaves out state values");
        snapshot.GetProperty("virtual_sensors").GetArrayLength().Should().Be(0);
        snapshot.GetProperty("timestamp").GetString().Should().NotBeNullOrEmpty();

        await fleet.Server.AdminAsync("/ingest/readings", new
        {
            readings = new[] { new { tracker_id = fleet.A, inputs = new object[] { new { sensor_id = 1, value = 9.5 }, new { sensor_id = 2, value = 21.0 } } } },
        });

        var changed = (await socket.NextEventAsync("readings_batch")).GetProperty("data").EnumerateArray().Single();
        changed.GetProperty("tracker_id").GetInt64().Should().Be(fleet.A);
        changed.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("value").GetDouble()).Should().Equal(9.5);
        changed.TryGetProperty("states", out _).Should().BeFalse();
    }

    [Fact]
    public async Task ReadingsBatch_CarriesUserTime_LikeStateBatch_InTheSubscribersDateStyle()
    {
        await using var fleet = await Fleet.StartInZoneAsync("Europe/Amsterdam");
        (await fleet.Server.AdminAsync("/ingest/readings", new
        {
            readings = new[] { new { tracker_id = fleet.A, inputs = new object[] { new { sensor_id = 1, value = 10.0, type = "fuel" } } } },
        })).ShouldSucceed();
        await using var socket = await fleet.ConnectAsync();
        await socket.SendJsonAsync(new
        {
            action = "subscribe", hash = fleet.Hash, iso_datetime = true,
            requests = new object[] { new { type = "readings_batch", target = new { type = "all" }, rate_limit = "200ms" } },
        });
        await socket.NextMessageAsync(m => m.GetProperty("type").GetString() == "response");

        var snapshot = await socket.NextEventAsync("readings_batch");
        snapshot.GetProperty("user_time").GetString().Should().MatchRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$");
        await fleet.Server.AdminAsync("/ingest/readings", new
        {
            readings = new[] { new { tracker_id = fleet.A, inputs = new object[] { new { sensor_id = 1, value = 9.0 } } } },
        });
        (await socket.NextEventAsync("readings_batch")).GetProperty("user_time").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task AStateRequestWithoutTrackers_SaysThatTrackersIsRequired()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var socket = await fleet.ConnectAsync();

        var error = await socket.SubscribeAsync(fleet.Hash, new { type = "state", format = "compact" });

        error.GetProperty("status").GetProperty("code").GetInt32().Should().Be(7);
        error.GetProperty("data").GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("parameter").GetString())
            .Should().Equal("requests[0].trackers");
    }

    [Fact]
    public async Task StateEvents_AreSentAtOnce_OnePerChange()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var socket = await fleet.ConnectAsync();
        await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A, fleet.B } });
        await socket.NextEventAsync("state");
        await socket.NextEventAsync("state");

        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.B, gps = new { speed = 61 } });
        var b = await socket.NextEventAsync("state");
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 62 } });
        var a = await socket.NextEventAsync("state");

        b.GetProperty("data").GetProperty("source_id").GetInt64().Should().Be(fleet.SourceB);
        a.GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(62);
    }

    [Fact]
    public async Task ADirectSqlWrite_ReachesSubscribers()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var socket = await fleet.ConnectAsync();
        await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        await socket.NextEventAsync("state");

        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={fleet.Server.DatabasePath}"))
        {
            await Dapper.SqlMapper.ExecuteAsync(db, "UPDATE tracker_states SET state = json_set(state, '$.gps.speed', 88) WHERE tracker_id = @Id", new { Id = fleet.A });
        }

        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(88);
    }

    [Fact]
    public async Task OfThreeWatchersOfATracker_OneUnsubscribes_OneLeaves_AndOnlyTheThirdIsStillAsked()
    {
        // A tracker's few watchers are kept as an array made at each subscribe and unsubscribe (SubscriptionIndex):
        // the array must lose the client that unsubscribed and the one that left, not hold them until a change.
        // A closed connection is kept for the retention, for its client to come back to: here one second.
        await using var fleet = await Fleet.StartAsync("Atmosphere:Retention=00:00:01");
        var index = fleet.Server.Service<SubscriptionIndex>();
        await using var stays = await fleet.ConnectAsync();
        await using var unsubscribes = await fleet.ConnectAsync();
        await using var leaves = await fleet.ConnectAsync();
        foreach (var socket in new[] { stays, unsubscribes, leaves })
        {
            await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
            await socket.NextEventAsync("state");
        }

        index.WatchingTracker(fleet.A).Should().HaveCount(3);
        await unsubscribes.SendJsonAsync(new { action = "unsubscribe", hash = fleet.Hash, requests = new[] { new { type = "state", trackers = new[] { fleet.A } } } });
        await unsubscribes.NextMessageAsync();
        index.WatchingTracker(fleet.A).Should().HaveCount(2, "the unsubscribe is answered once the index has forgotten it");
        await leaves.CloseAsync();
        await Eventually.Until(() => Task.FromResult(index.WatchingTracker(fleet.A).Length == 1), TimeSpan.FromSeconds(10),
            "the closed connection to be forgotten");

        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 71 } });
        (await stays.NextEventAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(71);
        await unsubscribes.ExpectSilenceAsync(TimeSpan.FromMilliseconds(500));
    }

    internal static Dictionary<string, string> Statuses(JsonElement map) =>
        map.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
}

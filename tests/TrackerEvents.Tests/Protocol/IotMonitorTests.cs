using System.Text.Json;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Protocol;

/// <summary>
/// <c>iot_monitor</c> (Navixy's Data Stream Analyzer): per tracker, the values of each attribute over the
/// last 12 messages, newest first, with gaps (<c>all_fields</c>) and without (<c>nonnull_fields</c>).
/// </summary>
public sealed class IotMonitorTests
{
    [Fact]
    public async Task Subscribe_AnswersWithStatuses_ThenOnePacket_ThenOnlyChangedTrackersEveryRateLimit()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var socket = await fleet.ConnectAsync();

        var response = await socket.SubscribeAsync(fleet.Hash, new
        {
            type = "iot_monitor",
            target = new { type = "selected", tracker_ids = new[] { fleet.A, fleet.B, fleet.Blocked, fleet.Foreign } },
            rate_limit = "200ms",
            flow_id = 1335,
        });
        response.GetProperty("action").GetString().Should().Be("subscription/subscribe");
        var statuses = response.GetProperty("data").GetProperty("iot_monitor").GetProperty("value");
        statuses.GetProperty(fleet.A.ToString()).GetString().Should().Be("normal");
        statuses.GetProperty(fleet.Blocked.ToString()).GetString().Should().Be("blocked");
        statuses.GetProperty(fleet.Foreign.ToString()).GetString().Should().Be("unknown", "another user's tracker is never revealed");

        var first = Values(await socket.NextEventAsync("iot_monitor"));
        first.Keys.Should().BeEquivalentTo([fleet.A, fleet.B], "blocked and unknown trackers have no values");
        var speed = first[fleet.A].GetProperty("nonnull_fields").GetProperty("speed");
        speed.GetArrayLength().Should().Be(1);
        speed[0].GetProperty("value").GetInt32().Should().Be(10);
        speed[0].GetProperty("msg_time").GetString().Should().Be("2025-10-08T14:30:00Z", "the message time is the fix's time");
        speed[0].GetProperty("srv_time").GetString().Should().EndWith("Z");

        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 55 }, additional = new { lls_level_1 = "262.9945" } });
        var second = Values(await socket.NextEventAsync("iot_monitor"));
        second.Keys.Should().Equal([fleet.A], "only trackers with a new message are sent");
        var a = second[fleet.A];
        a.GetProperty("nonnull_fields").GetProperty("speed").EnumerateArray().Select(v => v.GetProperty("value").GetInt32())
            .Should().Equal([55, 10], "newest first");
        a.GetProperty("all_fields").GetProperty("lls_level_1").EnumerateArray().Select(v => v.GetProperty("value").ValueKind)
            .Should().Equal([JsonValueKind.String], "an attribute enters the history with the first message that has it");

        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, additional = new { lls_level_1 = (string?)null } });
        a = Values(await socket.NextEventAsync("iot_monitor"))[fleet.A];
        a.GetProperty("all_fields").GetProperty("lls_level_1").EnumerateArray().Select(v => v.GetProperty("value").ToString())
            .Should().Equal(["", "262.9945"], "all_fields records a null where the message lacked the attribute");
        a.GetProperty("nonnull_fields").GetProperty("lls_level_1").EnumerateArray().Select(v => v.GetProperty("value").GetString())
            .Should().Equal(["262.9945"], "nonnull_fields skips it");

        await socket.ExpectSilenceAsync(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task TheHistory_KeepsTheLastTwelveMessages()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var socket = await fleet.ConnectAsync();
        await socket.SubscribeAsync(fleet.Hash, new { type = "iot_monitor", target = new { type = "selected", tracker_ids = new[] { fleet.B } }, rate_limit = "100ms" });
        await socket.NextEventAsync("iot_monitor");

        // One change at a time, each awaited: the change feed gives the latest state of a tracker, so
        // changes committed between two reads of it would make one message.
        List<int> speeds = [];
        for (var speed = 101; speed <= 115; speed++)
        {
            (await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.B, gps = new { speed } })).ShouldSucceed();
            do
            {
                speeds = Values(await socket.NextEventAsync("iot_monitor"))[fleet.B].GetProperty("nonnull_fields").GetProperty("speed")
                    .EnumerateArray().Select(v => v.GetProperty("value").GetInt32()).ToList();
            }
            while (speeds[0] != speed);
        }

        speeds.Should().Equal(Enumerable.Range(104, 12).Reverse(), "12 messages, newest first");
    }

    [Fact]
    public async Task MoreThanTenTrackersOnAConnection_Is7_AndUnsubscribeEndsTheStream()
    {
        await using var fleet = await Fleet.StartAsync();
        var ids = new List<long> { fleet.A, fleet.B };
        for (var i = 0; i < 9; i++)
        {
            ids.Add((await fleet.Server.CreateTrackerAsync("fleet", $"Extra {i}")).Id);
        }

        await using var socket = await fleet.ConnectAsync();
        var all = await socket.SubscribeAsync(fleet.Hash, new { type = "iot_monitor", target = new { type = "all" } });
        all.GetProperty("type").GetString().Should().Be("error", "the user has 12 trackers");
        all.GetProperty("status").GetProperty("code").GetInt32().Should().Be(7);
        all.GetProperty("data").GetProperty("reason").GetString().Should().Contain("10");

        (await socket.SubscribeAsync(fleet.Hash, new { type = "iot_monitor", target = new { type = "selected", tracker_ids = ids.Take(10) } }))
            .GetProperty("type").GetString().Should().Be("response");
        await socket.NextEventAsync("iot_monitor");
        var eleventh = await socket.SubscribeAsync(fleet.Hash, new { type = "iot_monitor", target = new { type = "selected", tracker_ids = new[] { ids[10] } } });
        eleventh.GetProperty("status").GetProperty("code").GetInt32().Should().Be(7, "ten on one connection at most");

        await socket.SendJsonAsync(new
        {
            action = "unsubscribe",
            hash = fleet.Hash,
            requests = new[] { new { type = "iot_monitor", target = new { type = "all" } } },
        });
        var unsubscribed = await socket.NextMessageAsync(m => m.GetProperty("type").GetString() is "response" or "error");
        unsubscribed.GetProperty("action").GetString().Should().Be("subscription/unsubscribe");
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 1 } });
        await socket.ExpectSilenceAsync(TimeSpan.FromMilliseconds(1500));
    }

    [Fact]
    public async Task Logout_EndsTheMonitor_AndTheConnectionCarriesOn()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var socket = await fleet.ConnectAsync();
        var hash = await fleet.Server.LoginAsync("fleet");
        await socket.SubscribeAsync(hash, new { type = "iot_monitor", target = new { type = "selected", tracker_ids = new[] { fleet.A } }, rate_limit = "100ms" });
        await socket.NextEventAsync("iot_monitor");

        (await fleet.Server.CallAsync("user/logout", new { hash })).ShouldSucceed();
        await socket.NextEventAsync("logout");
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 2 } });
        await socket.ExpectSilenceAsync(TimeSpan.FromMilliseconds(500));

        await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(2);
    }

    [Fact]
    public async Task AFixsPrecision_IsNotPassedOffAsHdop()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var socket = await fleet.ConnectAsync();
        await socket.SubscribeAsync(fleet.Hash, new { type = "iot_monitor", target = new { type = "selected", tracker_ids = new[] { fleet.A } }, rate_limit = "100ms" });
        await socket.NextEventAsync("iot_monitor");

        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 12, precision = 35 } });

        var fields = Values(await socket.NextEventAsync("iot_monitor"))[fleet.A].GetProperty("all_fields");
        fields.TryGetProperty("hdop", out _).Should().BeFalse("precision is metres, not a dilution of precision");
        fields.GetProperty("gps_precision")[0].GetProperty("value").GetInt32().Should().Be(35);
    }

    private static Dictionary<long, JsonElement> Values(JsonElement iotEvent) =>
        iotEvent.GetProperty("data").GetProperty("iot_last_values").EnumerateArray()
            .ToDictionary(v => v.GetProperty("tracker_id").GetInt64(), v => v);
}

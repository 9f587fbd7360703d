using System.Text.Json;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Protocol;

/// <summary>
/// Each bad message gets an error frame; afterwards the same connection subscribes normally, its
/// earlier subscription still delivers, and a second connection never notices anything.
/// </summary>
public sealed class BadInputTests
{
    public static readonly TheoryData<string, string, int, string> TextMessages = new()
    {
        { "malformed JSON", "{\"action\": \"subscribe\", ", 5, "null" },
        { "not an object", "[1, 2, 3]", 5, "null" },
        { "unknown action", "{\"action\":\"dance\",\"hash\":\"HASH\"}", 5, "dance" },
        { "no action", "{\"hash\":\"HASH\",\"requests\":[]}", 5, "null" },
        { "no requests", "{\"action\":\"subscribe\",\"hash\":\"HASH\"}", 7, "subscription/subscribe" },
        { "requests not an array", "{\"action\":\"subscribe\",\"hash\":\"HASH\",\"requests\":{\"type\":\"state\"}}", 7, "subscription/subscribe" },
        { "unknown request type", "{\"action\":\"subscribe\",\"hash\":\"HASH\",\"requests\":[{\"type\":\"weather\"}]}", 7, "subscription/subscribe" },
        { "iot_monitor on more than 10 trackers", "{\"action\":\"subscribe\",\"hash\":\"HASH\",\"requests\":[{\"type\":\"iot_monitor\",\"target\":{\"type\":\"selected\",\"tracker_ids\":[1,2,3,4,5,6,7,8,9,10,11]}}]}", 7, "subscription/subscribe" },
        { "iot_monitor without target", "{\"action\":\"subscribe\",\"hash\":\"HASH\",\"requests\":[{\"type\":\"iot_monitor\",\"rate_limit\":\"5s\"}]}", 7, "subscription/subscribe" },
        { "trackers of the wrong type", "{\"action\":\"subscribe\",\"hash\":\"HASH\",\"requests\":[{\"type\":\"state\",\"trackers\":\"A\"}]}", 7, "subscription/subscribe" },
        { "tracker ids that are not numbers", "{\"action\":\"subscribe\",\"hash\":\"HASH\",\"requests\":[{\"type\":\"state\",\"trackers\":[\"1\"]}]}", 7, "subscription/subscribe" },
        { "batch without target", "{\"action\":\"subscribe\",\"hash\":\"HASH\",\"requests\":[{\"type\":\"state_batch\"}]}", 7, "subscription/subscribe" },
        { "bad rate_limit", "{\"action\":\"subscribe\",\"hash\":\"HASH\",\"requests\":[{\"type\":\"state_batch\",\"target\":{\"type\":\"all\"},\"rate_limit\":\"5 seconds\"}]}", 7, "subscription/subscribe" },
        { "rate_limit too short", "{\"action\":\"subscribe\",\"hash\":\"HASH\",\"requests\":[{\"type\":\"state_batch\",\"target\":{\"type\":\"all\"},\"rate_limit\":\"10ms\"}]}", 7, "subscription/subscribe" },
        { "rate_limit too long", "{\"action\":\"subscribe\",\"hash\":\"HASH\",\"requests\":[{\"type\":\"state_batch\",\"target\":{\"type\":\"all\"},\"rate_limit\":\"2h\"}]}", 7, "subscription/subscribe" },
        { "bad format", "{\"action\":\"subscribe\",\"hash\":\"HASH\",\"requests\":[{\"type\":\"state\",\"trackers\":[1],\"format\":\"tiny\"}]}", 7, "subscription/subscribe" },
        { "legacy with another event", "{\"action\":\"subscribe\",\"hash\":\"HASH\",\"events\":[\"weather\"],\"trackers\":[1]}", 7, "subscription/subscribe" },
        { "unknown hash", "{\"action\":\"subscribe\",\"hash\":\"0123456789abcdef0123456789abcdef\",\"requests\":[{\"type\":\"state\",\"trackers\":[1]}]}", 4, "subscription/subscribe" },
        { "hash not 32 hex digits", "{\"action\":\"subscribe\",\"hash\":\"0123456789abcdef\",\"requests\":[{\"type\":\"state\",\"trackers\":[1]}]}", 3, "subscription/subscribe" },
        { "malformed hash", "{\"action\":\"unsubscribe\",\"hash\":42,\"requests\":[{\"type\":\"state\",\"trackers\":[1]}]}", 3, "subscription/unsubscribe" },
        { "no hash", "{\"action\":\"subscribe\",\"requests\":[{\"type\":\"state\",\"trackers\":[1]}]}", 3, "subscription/subscribe" },
    };

    [Theory]
    [MemberData(nameof(TextMessages))]
    public async Task ABadMessage_GetsAnErrorFrame_AndNothingElseIsHarmed(string what, string message, int code, string action)
    {
        await using var fleet = await Fleet.StartAsync();
        var (socket, neighbour) = await SubscribedPairAsync(fleet);
        await using var _ = socket;
        await using var __ = neighbour;

        await socket.SendAsync(message.Replace("HASH", fleet.Hash));

        var error = await socket.NextMessageAsync();
        AssertError(error, code, action, what);
        await ProveUnharmedAsync(fleet, socket, neighbour);
    }

    [Fact]
    public async Task ABinaryFrame_Is5()
    {
        await using var fleet = await Fleet.StartAsync();
        var (socket, neighbour) = await SubscribedPairAsync(fleet);
        await using var _ = socket;
        await using var __ = neighbour;

        await socket.SendBinaryAsync([0x7b, 0x00, 0xff, 0x7d]);

        AssertError(await socket.NextMessageAsync(), 5, "null", "binary frame");
        await ProveUnharmedAsync(fleet, socket, neighbour);
    }

    [Fact]
    public async Task AFrameOver64KiB_Is9()
    {
        await using var fleet = await Fleet.StartAsync();
        var (socket, neighbour) = await SubscribedPairAsync(fleet);
        await using var _ = socket;
        await using var __ = neighbour;

        await socket.SendAsync("{\"action\":\"subscribe\",\"hash\":\"" + fleet.Hash + "\",\"padding\":\"" + new string('x', 70 * 1024) + "\"}");

        AssertError(await socket.NextMessageAsync(), 9, "null", "oversized frame");
        await ProveUnharmedAsync(fleet, socket, neighbour);
    }

    [Fact]
    public async Task AnExpiredHash_Is4()
    {
        var clock = new ManualClock();
        await using var fleet = await Fleet.StartAsync(clock, "Sessions:Lifetime=01:00:00");
        await using var socket = await fleet.ConnectAsync();

        clock.Advance(TimeSpan.FromHours(2));

        AssertError(await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } }), 4, "subscription/subscribe", "expired");
    }

    [Fact]
    public async Task MoreTrackersThanAllowed_Is7_AndNothingIsSubscribed()
    {
        await using var fleet = await Fleet.StartAsync("Atmosphere:MaxTrackersPerConnection=2");
        await using var socket = await fleet.ConnectAsync();

        AssertError(await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { 1, 2, 3 } }), 7, "subscription/subscribe", "too many ids");
        await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        await socket.NextEventAsync("state");
        var error = await socket.SubscribeAsync(fleet.Hash, new { type = "state_batch", target = new { type = "all" } });
        AssertError(error, 7, "subscription/subscribe", "over the connection's cap");
        error.GetProperty("data").GetProperty("reason").GetString().Should().Contain("2");

        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.B, gps = new { speed = 1 } });
        await socket.ExpectSilenceAsync(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task MoreThanTwentyActionsPerSecond_Are15()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var socket = await fleet.ConnectAsync();
        var unsubscribe = JsonSerializer.Serialize(new { action = "unsubscribe", hash = fleet.Hash, events = new[] { "state" }, trackers = new[] { fleet.A } });

        for (var i = 0; i < 30; i++)
        {
            await socket.SendAsync(unsubscribe);
        }

        var answers = new List<JsonElement>();
        for (var i = 0; i < 30; i++)
        {
            answers.Add(await socket.NextMessageAsync());
        }

        answers.Count(a => a.GetProperty("type").GetString() == "response").Should().BeInRange(20, 22);
        answers.Where(a => a.GetProperty("type").GetString() == "error").Should().OnlyContain(a => a.GetProperty("status").GetProperty("code").GetInt32() == 15);
    }

    [Fact]
    public async Task ConnectionsPerUser_PastTheLimit_Are15()
    {
        await using var fleet = await Fleet.StartAsync("Atmosphere:MaxConnectionsPerUser=1");
        await using var first = await fleet.ConnectAsync();
        await using var second = await fleet.ConnectAsync();
        await first.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });

        var refused = await second.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });

        AssertError(refused, 15, "subscription/subscribe", "second connection of the user");
        (await first.NextEventAsync("state")).GetProperty("data").GetProperty("source_id").GetInt64().Should().Be(fleet.SourceA);
    }

    /// <summary>Two connections each watching tracker A, with their snapshots read.</summary>
    private static async Task<(AtmosphereSocket Socket, AtmosphereSocket Neighbour)> SubscribedPairAsync(Fleet fleet)
    {
        var socket = await fleet.ConnectAsync();
        var neighbour = await fleet.ConnectAsync();
        foreach (var connection in new[] { socket, neighbour })
        {
            await connection.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
            await connection.NextEventAsync("state");
        }

        return (socket, neighbour);
    }

    private static void AssertError(JsonElement error, int code, string action, string what)
    {
        error.GetProperty("type").GetString().Should().Be("error", what);
        error.GetProperty("action").GetString().Should().Be(action, what);
        error.GetProperty("status").GetProperty("code").GetInt32().Should().Be(code, what);
        error.GetProperty("status").GetProperty("description").GetString().Should().NotBeNullOrEmpty();
    }

    private static async Task ProveUnharmedAsync(Fleet fleet, AtmosphereSocket socket, AtmosphereSocket neighbour)
    {
        (await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.B } })).GetProperty("type").GetString().Should().Be("response");
        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("source_id").GetInt64().Should().Be(fleet.SourceB);
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 123 } });
        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(123);
        (await neighbour.NextEventAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(123);
    }
}

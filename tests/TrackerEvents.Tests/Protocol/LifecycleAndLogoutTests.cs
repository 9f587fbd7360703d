using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Protocol;

public sealed class LifecycleAndLogoutTests
{
    [Fact]
    public async Task Block_SendsLifecycle_StopsStates_AndUnblock_SendsTheCurrentState()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var socket = await fleet.ConnectAsync();
        await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        await socket.NextEventAsync("state");

        (await fleet.Server.AdminAsync("/admin/trackers/block", new { tracker_id = fleet.A })).ShouldSucceed();
        var blocked = await socket.NextEventAsync("lifecycle");
        blocked.GetProperty("data").GetProperty("type").GetString().Should().Be("lifecycle_event");
        blocked.GetProperty("data").GetProperty("source_id").GetInt64().Should().Be(fleet.SourceA);
        blocked.GetProperty("data").GetProperty("lifecycle_event").GetString().Should().Be("block");
        blocked.GetProperty("data").GetProperty("timestamp").GetString().Should().NotBeNullOrEmpty();

        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 71 } });
        await socket.ExpectSilenceAsync(TimeSpan.FromMilliseconds(600));

        (await fleet.Server.AdminAsync("/admin/trackers/unblock", new { tracker_id = fleet.A })).ShouldSucceed();
        (await socket.NextEventAsync("lifecycle")).GetProperty("data").GetProperty("lifecycle_event").GetString().Should().Be("unblock");
        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32()
            .Should().Be(71, "after unblock the current state is sent");
    }

    [Fact]
    public async Task BatchStreams_CarryLifecycleEventsInline()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var socket = await fleet.ConnectAsync();
        await socket.SubscribeAsync(fleet.Hash, new { type = "state_batch", target = new { type = "all" }, rate_limit = "200ms" });
        await socket.NextEventAsync("state_batch");

        (await fleet.Server.AdminAsync("/admin/trackers/unblock", new { tracker_id = fleet.Blocked })).ShouldSucceed();

        var items = new List<System.Text.Json.JsonElement>();
        while (!items.Any(i => i.GetProperty("type").GetString() == "source_state_event"))
        {
            items.AddRange((await socket.NextEventAsync("state_batch")).GetProperty("data").EnumerateArray());
        }

        var lifecycle = items.First(i => i.GetProperty("type").GetString() == "lifecycle_event");
        lifecycle.GetProperty("lifecycle_event").GetString().Should().Be("unblock");
        items.IndexOf(lifecycle).Should().BeLessThan(items.FindIndex(i => i.GetProperty("type").GetString() == "source_state_event"));
        items.Last().GetProperty("state").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(30, "the unblocked tracker's current state follows");
    }

    [Fact]
    public async Task Corrupt_SendsTheLastLifecycleEvent_ThenNothingMoreOfThatTracker()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var socket = await fleet.ConnectAsync();
        await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A, fleet.B } });
        await socket.NextEventAsync("state");
        await socket.NextEventAsync("state");

        (await fleet.Server.AdminAsync("/admin/trackers/corrupt", new { tracker_id = fleet.A })).ShouldSucceed();
        (await socket.NextEventAsync("lifecycle")).GetProperty("data").GetProperty("lifecycle_event").GetString().Should().Be("corrupt");
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.B, gps = new { speed = 5 } });

        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("source_id").GetInt64().Should().Be(fleet.SourceB);
    }

    [Theory]
    [InlineData("logout")]
    [InlineData("password")]
    [InlineData("user blocked")]
    public async Task SessionEnd_SendsLogoutToEveryConnectionThatUsedTheHash_SubscriptionsStop_ConnectionStays(string how)
    {
        await using var fleet = await Fleet.StartAsync();
        await using var first = await fleet.ConnectAsync();
        await using var second = await fleet.ConnectAsync();
        await using var bystander = await fleet.ConnectAsync();
        var other = await fleet.Server.LoginAsync("other");
        await first.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        await second.SubscribeAsync(fleet.Hash, new { type = "state_batch", target = new { type = "all" } });
        await bystander.SubscribeAsync(other, new { type = "state", trackers = new[] { fleet.Foreign } });
        await first.NextEventAsync("state");
        await second.NextEventAsync("state_batch");
        await bystander.NextEventAsync("state");

        switch (how)
        {
            case "logout":
                (await fleet.Server.CallAsync("user/logout", new { hash = fleet.Hash })).ShouldSucceed();
                break;
            case "password":
                (await fleet.Server.AdminAsync("/admin/users/password", new { login = "fleet", password = "another-password" })).ShouldSucceed();
                break;
            default:
                (await fleet.Server.AdminAsync("/admin/users/block", new { login = "fleet" })).ShouldSucceed();
                break;
        }

        foreach (var socket in new[] { first, second })
        {
            var logout = await socket.NextEventAsync("logout");
            logout.GetProperty("data").GetString().Should().Be("session closed");
        }

        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 3 } });
        await first.ExpectSilenceAsync(TimeSpan.FromMilliseconds(1500));
        await bystander.ExpectSilenceAsync(TimeSpan.FromMilliseconds(100));
        if (how != "user blocked")
        {
            var fresh = await fleet.Server.LoginAsync("fleet", how == "password" ? "another-password" : "secret-password");
            (await first.SubscribeAsync(fresh, new { type = "state", trackers = new[] { fleet.A } })).GetProperty("type").GetString()
                .Should().Be("response", "the connection stays usable with a new hash");
        }

        (await first.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } })).GetProperty("status").GetProperty("code").GetInt32()
            .Should().Be(4, "the ended hash is refused");
    }

    [Fact]
    public async Task Expiry_SendsLogout()
    {
        var clock = new ManualClock();
        await using var fleet = await Fleet.StartAsync(clock, "Sessions:Lifetime=01:00:00", "Sessions:SweepInterval=00:00:00.200");
        await using var socket = await fleet.ConnectAsync();
        await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        await socket.NextEventAsync("state");

        clock.Advance(TimeSpan.FromHours(2));

        (await socket.NextEventAsync("logout", TimeSpan.FromSeconds(10))).GetProperty("data").GetString().Should().Be("session closed");
    }

    [Fact]
    public async Task ApiKeyHashes_AreNotEndedByLogoutOfAnotherSession()
    {
        await using var fleet = await Fleet.StartAsync();
        var key = await fleet.Server.CreateApiKeyAsync("fleet");
        await using var socket = await fleet.ConnectAsync();
        await socket.SubscribeAsync(key, new { type = "state", trackers = new[] { fleet.A } });
        await socket.NextEventAsync("state");

        (await fleet.Server.CallAsync("user/logout", new { hash = fleet.Hash })).ShouldSucceed();
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 44 } });

        (await socket.NextMessageAsync()).GetProperty("event").GetString().Should().Be("state", "no logout reaches a connection that only used the API key");
    }
}

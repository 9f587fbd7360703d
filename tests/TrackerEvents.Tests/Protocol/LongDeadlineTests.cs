using TrackerEvents.Subscriptions;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Protocol;

public sealed class LongDeadlineTests
{
    [Fact]
    public async Task ARetentionLongerThanOneTurnOfTheTimerWheel_EndsOnTime_AndTheServerCarriesOn()
    {
        // The timer wheel turns once in ~82 s; a later deadline (Retention may be up to an hour) waits in its
        // slot for its turn. Keeping such an entry used to throw inside the wheel's loop, which stopped the
        // loop (and the host): retained clients were never released again.
        var clock = new ManualClock();
        await using var fleet = await Fleet.StartAsync(clock, "Atmosphere:Retention=00:03:00");
        var socket = await fleet.ConnectAsync();
        await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        var client = fleet.Server.Service<ClientRegistry>().Find(socket.TrackingId!)!;
        socket.Abort();
        await Eventually.Until(() => Task.FromResult(!client.IsConnected), TimeSpan.FromSeconds(5), "the server to notice the drop");

        clock.Advance(TimeSpan.FromSeconds(90));
        await socket.DisposeAsync();
        await using var other = await fleet.ConnectAsync();
        await other.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.B } });
        client.IsReleased.Should().BeFalse("the retention has a minute and a half left");

        clock.Advance(TimeSpan.FromSeconds(95));
        await Eventually.Until(() => Task.FromResult(client.IsReleased), TimeSpan.FromSeconds(5), "the retention to end on the wheel");
        (await fleet.Server.Http.GetAsync("/health/live")).IsSuccessStatusCode.Should().BeTrue();
    }
}

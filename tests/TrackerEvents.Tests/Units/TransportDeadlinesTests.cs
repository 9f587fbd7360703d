using TrackerEvents.Connections;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Units;

/// <summary>The deadlines every transport keeps, decided from a clock the test moves.</summary>
public sealed class TransportDeadlinesTests
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(25);
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DeadPeer = TimeSpan.FromSeconds(90);
    private readonly ManualClock _clock = new();

    private TransportDeadlines Deadlines(TimeSpan? deadPeer = null) => new(_clock, Heartbeat, Stall, deadPeer ?? DeadPeer);

    [Fact]
    public void AHeartbeat_IsDueAfterTheIntervalWithoutWrites_OnlyWhenTheConnectionCanWrite()
    {
        var deadlines = Deadlines();
        var fresh = deadlines.Check(canWrite: true, null, "socket", "poll");
        fresh.HeartbeatDue.Should().BeFalse();
        fresh.Next.Should().BeCloseTo(Heartbeat, TimeSpan.FromSeconds(1));

        _clock.Advance(Heartbeat);
        deadlines.Check(canWrite: false, null, "socket", "poll").HeartbeatDue.Should().BeFalse("a write in progress is as good as a heartbeat");
        deadlines.Check(canWrite: true, null, "socket", "poll").HeartbeatDue.Should().BeTrue();

        deadlines.WriteEnded();
        deadlines.Check(canWrite: true, null, "socket", "poll").HeartbeatDue.Should().BeFalse();
    }

    [Fact]
    public void AWriteThatDoesNotFinish_EndsTheConnectionAsASlowConsumer()
    {
        var deadlines = Deadlines();
        deadlines.WriteStarted();
        _clock.Advance(Stall - TimeSpan.FromSeconds(1));
        deadlines.Check(true, null, "socket", "poll").EndReason.Should().BeNull();

        _clock.Advance(TimeSpan.FromSeconds(1));
        var check = deadlines.Check(true, null, "socket", "poll");

        check.EndReason!.Label.Should().Be("slow_consumer");
        check.EndReason.Text.Should().Be("slow consumer: the socket took no write for 30 s");
    }

    [Fact]
    public void SilenceFromTheClient_EndsItAsADeadPeer_UnlessDeadPeersAreWatchedElsewhere()
    {
        var deadlines = Deadlines();
        var websocket = Deadlines(deadPeer: TimeSpan.Zero);
        _clock.Advance(DeadPeer - TimeSpan.FromSeconds(10));
        deadlines.Heard();
        _clock.Advance(DeadPeer - TimeSpan.FromSeconds(1));
        deadlines.Check(true, null, "response", "poll").EndReason.Should().BeNull("it was heard from");

        _clock.Advance(TimeSpan.FromSeconds(1));

        deadlines.Check(true, null, "response", "poll").EndReason!.Text.Should().Be("dead peer: nothing heard from the client for 90 s");
        websocket.Check(true, null, "socket", "").EndReason.Should().BeNull();
    }

    [Fact]
    public void NoNextRequest_EndsAnHttpTransport_AndIsCheckedInTime()
    {
        var deadlines = Deadlines();
        var since = _clock.GetTimestamp();
        _clock.Advance(TimeSpan.FromSeconds(20));
        deadlines.Heard();

        var waiting = deadlines.Check(canWrite: false, since, "response", "poll");
        waiting.EndReason.Should().BeNull();
        waiting.Next.Should().BeCloseTo(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));

        _clock.Advance(TimeSpan.FromSeconds(10));
        deadlines.Check(canWrite: false, since, "response", "poll").EndReason!.Text.Should().Be("no poll for 30 s");
    }

    [Theory]
    [InlineData(null, 25)]
    [InlineData(0, 0)]
    [InlineData(10, 25)]
    [InlineData(60, 60)]
    public void TheHeartbeat_FollowsXHeartbeatServer_NeverShorterThanConfigured(int? requested, int expectedSeconds) =>
        TransportDeadlines.HeartbeatFor(Heartbeat, requested).Should().Be(TimeSpan.FromSeconds(expectedSeconds));
}

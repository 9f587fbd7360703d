using System.Text;
using TrackerEvents.Protocol;
using TrackerEvents.Subscriptions;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Units;

/// <summary>Batch pacing and the action token bucket, on a clock the test moves.</summary>
public sealed class PacingTests
{
    private readonly ManualClock _clock = new();

    [Fact]
    public void ABatchStream_BuildsOneFramePerRateLimit_AndNoneWhileTheLastStillWaits()
    {
        var pace = new BatchPace(TimeSpan.FromSeconds(1), _clock);
        var outbox = new Outbox(10);
        var built = 0;
        Payload? Build()
        {
            built++;
            return new Payload(Encoding.UTF8.GetBytes("frame"), PayloadKind.Batch);
        }

        pace.Flush(outbox, Build).Should().BeCloseTo(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100), "the stream was made just now");
        _clock.Advance(TimeSpan.FromSeconds(1));
        pace.Flush(outbox, Build).Should().Be(TimeSpan.MaxValue);
        built.Should().Be(1);

        _clock.Advance(TimeSpan.FromSeconds(1));
        pace.Flush(outbox, Build).Should().Be(TimeSpan.FromSeconds(1), "the first frame has not been taken by the socket");
        built.Should().Be(1);

        outbox.TryTake(out _);
        pace.Flush(outbox, Build).Should().Be(TimeSpan.MaxValue);
        built.Should().Be(2);
    }

    [Fact]
    public void ActionTokens_RefillAtTheirRate_AndSaveUpNoMoreThanOneSecond()
    {
        var clock = new FrozenClock(); // no real time may pass between the takes, however busy the machine
        var tokens = new ActionTokens(4, clock);
        Enumerable.Range(0, 4).Select(_ => tokens.TryTake()).ToList().Should().AllBeEquivalentTo(true);
        tokens.TryTake().Should().BeFalse();

        clock.Advance(TimeSpan.FromMilliseconds(260));
        tokens.TryTake().Should().BeTrue();
        tokens.TryTake().Should().BeFalse();

        clock.Advance(TimeSpan.FromMinutes(1));
        Enumerable.Range(0, 5).Count(_ => tokens.TryTake()).Should().Be(4);
    }

    /// <summary>A clock that moves only when told to.</summary>
    private sealed class FrozenClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}

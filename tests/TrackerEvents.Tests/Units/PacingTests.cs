using System.Text;
using TrackerEvents.Protocol;
using TrackerEvents.Subscriptions;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Units;

/// <summary>Batch pacing and the action token bucket, on a clock the test moves.</summary>
public sealed class PacingTests
{
    [Fact]
    public void ABatchStream_BuildsOneFramePerRateLimit_OnTheGrid_AndNoneWhileTheLastStillWaits()
    {
        var clock = new FrozenClock();
        clock.Advance(TimeSpan.FromMilliseconds(300));
        var pace = new BatchPace(TimeSpan.FromSeconds(1), clock, BatchPhase.Single);
        var outbox = new Outbox(10);
        var built = 0;
        Payload? Build()
        {
            built++;
            return new Payload(Encoding.UTF8.GetBytes("frame"), PayloadKind.Batch);
        }

        pace.Flush(outbox, Build).Should().Be(TimeSpan.FromMilliseconds(1700), "made at 0.3 s, its first frame goes at the first whole second a rate limit away");
        built.Should().Be(0);
        clock.Advance(TimeSpan.FromMilliseconds(1700));
        pace.Flush(outbox, Build).Should().Be(TimeSpan.MaxValue);
        built.Should().Be(1);

        clock.Advance(TimeSpan.FromSeconds(1));
        pace.Flush(outbox, Build).Should().Be(TimeSpan.FromSeconds(1), "the first frame has not been taken by the socket: try at the next grid point");
        built.Should().Be(1);

        outbox.TryTake(out _);
        pace.Flush(outbox, Build).Should().Be(TimeSpan.MaxValue);
        built.Should().Be(2);
    }

    [Fact]
    public void Paces_StartedApart_FlushOnTheSameGridPoints_UnderSteadyChanges()
    {
        var clock = new FrozenClock();
        clock.Advance(TimeSpan.FromMilliseconds(100));
        var early = new BatchPace(TimeSpan.FromSeconds(1), clock, BatchPhase.Single);
        clock.Advance(TimeSpan.FromMilliseconds(850));
        var late = new BatchPace(TimeSpan.FromSeconds(1), clock, BatchPhase.Single);

        early.Wait().Should().Be(TimeSpan.FromMilliseconds(1050), "both are due at 2 s");
        late.Wait().Should().Be(TimeSpan.FromMilliseconds(1050));

        var (outboxEarly, outboxLate) = (new Outbox(10), new Outbox(10));
        clock.Advance(TimeSpan.FromMilliseconds(1050 + 7)); // the timer fires a little after the grid point
        early.Flush(outboxEarly, Frame).Should().Be(TimeSpan.MaxValue);
        late.Flush(outboxLate, Frame).Should().Be(TimeSpan.MaxValue);
        (outboxEarly.TryTake(out _), outboxLate.TryTake(out _)).Should().Be((true, true));

        early.Wait().Should().Be(TimeSpan.FromMilliseconds(993), "the next frame is due at 3 s, not a rate limit after the timer fired");
        late.Wait().Should().Be(TimeSpan.FromMilliseconds(993));
    }

    [Fact]
    public void Paces_InDifferentPhases_FlushAtTheirOwnPointsOfThePeriod_EachOncePerRateLimit()
    {
        var clock = new FrozenClock();
        clock.Advance(TimeSpan.FromMilliseconds(100));
        var first = new BatchPace(TimeSpan.FromSeconds(1), clock, BatchPhase.Of(20, 10));
        var fourth = new BatchPace(TimeSpan.FromSeconds(1), clock, BatchPhase.Of(13, 10));

        first.Wait().Should().Be(TimeSpan.FromMilliseconds(1900), "phase 0 of 10: the whole seconds, a rate limit away");
        fourth.Wait().Should().Be(TimeSpan.FromMilliseconds(1200), "phase 3 of 10: 0.3 s past them");

        var (outboxFirst, outboxFourth) = (new Outbox(10), new Outbox(10));
        clock.Advance(TimeSpan.FromMilliseconds(1200 + 7));
        fourth.Flush(outboxFourth, Frame).Should().Be(TimeSpan.MaxValue);
        first.Flush(outboxFirst, Frame).Should().Be(TimeSpan.FromMilliseconds(693), "not before its own point");
        outboxFirst.Count.Should().Be(0);
        outboxFourth.TryTake(out _).Should().BeTrue();
        fourth.Wait().Should().Be(TimeSpan.FromMilliseconds(993), "its next frame is due at 2.3 s");

        clock.Advance(TimeSpan.FromMilliseconds(693));
        first.Flush(outboxFirst, Frame).Should().Be(TimeSpan.MaxValue);
        first.Wait().Should().Be(TimeSpan.FromSeconds(1));
        fourth.Wait().Should().Be(TimeSpan.FromMilliseconds(300));
        BatchPhase.Of(7, 1).Should().Be(BatchPhase.Single, "one phase: every connection on the same points");
    }

    [Fact]
    public void AChangeAfterAQuietSpell_GoesOutAtOnce_AndTheFrameAfterItWaitsForTheGrid()
    {
        var clock = new FrozenClock();
        var pace = new BatchPace(TimeSpan.FromSeconds(1), clock, BatchPhase.Single);
        var outbox = new Outbox(10);
        clock.Advance(TimeSpan.FromMilliseconds(5500));
        pace.Queued(); // the change: nothing waited before it

        pace.Wait().Should().Be(TimeSpan.Zero);
        pace.Flush(outbox, Frame).Should().Be(TimeSpan.MaxValue);
        outbox.TryTake(out _);

        pace.Wait().Should().Be(TimeSpan.FromMilliseconds(1500), "at least a rate limit later, on the grid: 7 s");
        clock.Advance(TimeSpan.FromMilliseconds(1500));
        pace.Flush(outbox, Frame).Should().Be(TimeSpan.MaxValue);
    }

    [Fact]
    public void AFrameBuiltLate_CountsFromItsGridPoint_SoTheNextStillGoesAtTheNextPoint()
    {
        var clock = new FrozenClock();
        var pace = new BatchPace(TimeSpan.FromSeconds(1), clock, BatchPhase.Single);
        var outbox = new Outbox(10);
        clock.Advance(TimeSpan.FromMilliseconds(400));
        pace.Queued();
        clock.Advance(TimeSpan.FromMilliseconds(600 + 45)); // due at 1 s; the timer came 45 ms late (more than a tick)

        pace.Flush(outbox, Frame).Should().Be(TimeSpan.MaxValue);
        outbox.TryTake(out _);
        pace.Queued();
        pace.Wait().Should().Be(TimeSpan.FromMilliseconds(955), "the next frame is due at 2 s, not at 3 s");

        clock.Advance(TimeSpan.FromMilliseconds(955 + 600)); // due at 2 s, built 0.6 s late (a long pause)
        pace.Flush(outbox, Frame).Should().Be(TimeSpan.MaxValue);
        outbox.TryTake(out _);
        pace.Queued();
        pace.Wait().Should().Be(TimeSpan.FromMilliseconds(1400), "never within half a rate limit of the last frame: the point after 3 s, 4 s");
    }

    [Fact]
    public void AChangeJustAfterAMissedGridPoint_StillWaitsARateLimitAfterItsOwnFrame()
    {
        var clock = new FrozenClock();
        var pace = new BatchPace(TimeSpan.FromSeconds(1), clock, BatchPhase.Single);
        var outbox = new Outbox(10);
        clock.Advance(TimeSpan.FromMilliseconds(3200)); // quiet since 0: the grid points 1, 2 and 3 s passed with nothing waiting
        pace.Queued();

        pace.Flush(outbox, Frame).Should().Be(TimeSpan.MaxValue, "a change after a quiet spell goes out at once");
        outbox.TryTake(out _);
        pace.Queued();
        pace.Wait().Should().Be(TimeSpan.FromMilliseconds(1800), "a rate limit after that frame, on the grid (5 s), not at the 4 s point");
    }

    private static Payload Frame() => new(Encoding.UTF8.GetBytes("frame"), PayloadKind.Batch);

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
}

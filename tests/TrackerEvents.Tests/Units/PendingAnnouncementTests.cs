using TrackerEvents.Dispatch;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Units;

/// <summary>
/// An announced version kept for the hand-over of a write under way: merged with the next announcement, kept only
/// while a write is under way, and never past the wait that began with the first pass that kept it.
/// </summary>
public sealed class PendingAnnouncementTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(1); // the clock also moves with real time: room for a slow machine
    private readonly ManualClock _clock = new();

    [Fact]
    public void AKeptVersion_IsTakenWithTheNextAnnouncement_AsTheHigher_WithTheEarlierTime()
    {
        var pending = new PendingAnnouncement(_clock);
        var at = 100L;
        pending.Take(7, ref at).Should().Be(7);
        pending.Keep(7, at, writing: true, Wait).Should().BeTrue();
        pending.Waiting.Should().BeTrue();

        var later = 250L;
        pending.Take(5, ref later).Should().Be(7, "an older announcement does not lower the kept one");
        later.Should().Be(100, "the kept announcement came first");
        pending.Waiting.Should().BeFalse("taken");

        var none = 0L;
        pending.Take(0, ref none).Should().Be(0);
        none.Should().Be(0);
    }

    [Fact]
    public void NothingIsKept_WhenNoWriteIsUnderWay()
    {
        var pending = new PendingAnnouncement(_clock);
        pending.Keep(9, 1, writing: false, Wait).Should().BeFalse();
        pending.Waiting.Should().BeFalse();
    }

    [Fact]
    public void AVersionKeptPassAfterPass_IsReadOnceTheWaitFromTheFirstPassIsOver()
    {
        var pending = new PendingAnnouncement(_clock);
        var at = 1L;
        pending.Keep(pending.Take(9, ref at), at, writing: true, Wait).Should().BeTrue();
        for (var pass = 0; pass < 3; pass++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(300));
            pending.Keep(pending.Take(0, ref at), at, writing: true, Wait).Should().BeTrue($"{300 * (pass + 1)} ms of 1,000 have passed");
        }

        _clock.Advance(TimeSpan.FromMilliseconds(100));
        pending.Keep(pending.Take(0, ref at), at, writing: true, Wait).Should().BeFalse("the whole wait since the first pass, writes or not");
        pending.Waiting.Should().BeFalse();
    }

    [Fact]
    public void AWaitThatEnded_DoesNotShortenTheNext()
    {
        var pending = new PendingAnnouncement(_clock);
        var at = 1L;
        pending.Keep(pending.Take(9, ref at), at, writing: true, Wait).Should().BeTrue();
        _clock.Advance(TimeSpan.FromMilliseconds(750));
        pending.Take(0, ref at).Should().Be(9, "the hand-over came: the dispatcher takes it and keeps nothing");

        pending.Take(0, ref at).Should().Be(0, "a pass with nothing kept ends the wait");
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        pending.Keep(pending.Take(12, ref at), at, writing: true, Wait).Should().BeTrue("a new wait starts with this pass");
        _clock.Advance(TimeSpan.FromMilliseconds(750));
        pending.Keep(pending.Take(0, ref at), at, writing: true, Wait).Should().BeTrue("750 ms into the new wait, 2 s after the first");
    }
}

using TrackerEvents.Store;

namespace TrackerEvents.Tests.Units;

/// <summary>The wake-up of the feed readers: a plain "look now", and an announcement of how far the versions go.</summary>
public sealed class ChangeSignalTests
{
    [Fact]
    public void Announcements_WakeTheReader_AndAreTakenOnce_AsTheHighestVersion_WithTheFirstOnesTime()
    {
        var signal = new ChangeSignal(TimeProvider.System);
        var wake = signal.Next;

        signal.Announce(7);
        signal.TakeAnnounced(out var announcedAt).Should().Be(7);
        announcedAt.Should().BeGreaterThan(0, "the time of the announcement is kept for the phase timings");
        wake.IsCompleted.Should().BeTrue();

        var next = signal.Next;
        next.IsCompleted.Should().BeFalse();
        signal.Announce(12);
        signal.Announce(9); // late, from an older transaction
        signal.TakeAnnounced(out _).Should().Be(12);
        next.IsCompleted.Should().BeTrue();
        signal.TakeAnnounced(out var at).Should().Be(0, "taken already");
        at.Should().Be(0);
    }

    [Fact]
    public void AnAnnouncement_IsNotAReadRequest_NorIsAHandOver_ButANotifyIs()
    {
        var signal = new ChangeSignal(TimeProvider.System);

        signal.Announce(3);
        signal.NotifyHanded();
        signal.TakeReadNeeded().Should().BeFalse("whether to read depends on the reader's watermark");

        signal.Notify();
        signal.TakeReadNeeded().Should().BeTrue();
        signal.TakeReadNeeded().Should().BeFalse();
        signal.TakeNotifiedAt().Should().BeGreaterThan(0);
    }
}

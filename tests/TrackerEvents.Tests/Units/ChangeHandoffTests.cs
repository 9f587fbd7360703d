using TrackerEvents.Dispatch;
using TrackerEvents.Store;
using TrackerEvents.Tracking;

namespace TrackerEvents.Tests.Units;

public sealed class ChangeHandoffTests
{
    [Fact]
    public void HandOvers_AreTakenOnce_InVersionOrder_EachSortedByVersion()
    {
        var handoff = new ChangeHandoff();
        handoff.Post([State(12), State(11)], committedAt: 2);
        handoff.Post([State(9), State(10)], committedAt: 1);

        var taken = handoff.TakeAll();

        taken.Select(h => (h.First, h.Last, h.CommittedAt)).Should().Equal((9, 10, 1), (11, 12, 2));
        taken[1].Changes.Select(c => c.Version).Should().Equal(11, 12);
        handoff.TakeAll().Should().BeEmpty();
    }

    [Fact]
    public void AHandOverWithAGap_IsNotContiguous_AndAnEmptyOne_IsNotPosted()
    {
        var handoff = new ChangeHandoff();
        handoff.Post([State(3), State(5)], committedAt: 1);
        handoff.Post([], committedAt: 2);

        var taken = handoff.TakeAll().Should().ContainSingle().Subject;
        taken.Contiguous.Should().BeFalse("version 4 was something else, which only the feed has");
    }

    [Fact]
    public void WhenNobodyTakesThem_TheOldestHandOversAreDropped()
    {
        var handoff = new ChangeHandoff();
        for (var v = 1; v <= ChangeHandoff.MaxPending + 2; v++)
        {
            handoff.Post([State(v)], committedAt: v);
        }

        var taken = handoff.TakeAll();
        taken.Should().HaveCount(ChangeHandoff.MaxPending);
        taken[0].First.Should().Be(3, "the dispatcher reads what was dropped from the feed");
    }

    [Fact]
    public void HandOversTakenTogether_AreConflated_EachTrackerOnceAtItsLatestVersion_InVersionOrder()
    {
        var handoff = new ChangeHandoff();
        handoff.Post([State(1, tracker: 7), State(2, tracker: 8)], committedAt: 1);
        handoff.Post([State(3, tracker: 9), State(4, tracker: 7)], committedAt: 2);

        var conflated = HandedChanges.Conflate(handoff.TakeAll());

        conflated.Select(c => (c.Version, c.TrackerId)).Should().Equal((2, 8), (3, 9), (4, 7));
    }

    private static StateChange State(long version, long? tracker = null) =>
        new(version, TrackerId: tracker ?? version, UserId: 1, SourceId: 1, Blocked: false, TrackerState.Initial);
}

using TrackerEvents.Messages;
using TrackerEvents.Tracking;

namespace TrackerEvents.Tests.Units;

/// <summary>A change is rendered once per format and date style, and the bytes are shared.</summary>
public sealed class StateRenderingTests
{
    private static readonly DateStyle Utc = DateStyle.For(TimeZoneInfo.Utc, iso: false);
    private static readonly DateStyle Berlin = DateStyle.For(TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"), iso: false);

    [Fact]
    public void EachRendering_IsMadeOnce_AndSharedByEveryoneWhoWantsIt_AlsoAfterOthersWereMade()
    {
        var rendering = StateRendering.Of(new StateChange(9, 1, 2, 3, false, TrackerState.Initial), DateTimeOffset.UnixEpoch, dispatchedAt: 42);

        var first = rendering.Event(StateFormat.Full, Utc);
        var berlin = rendering.Event(StateFormat.Full, Berlin);
        var compact = rendering.Event(StateFormat.Compact, Utc);

        rendering.Event(StateFormat.Full, Utc).Should().BeSameAs(first);
        rendering.Event(StateFormat.Full, Berlin).Should().BeSameAs(berlin);
        rendering.Event(StateFormat.Compact, Utc).Should().BeSameAs(compact);
        new[] { first, berlin, compact }.Should().OnlyHaveUniqueItems();
        first.DispatchedAt.Should().Be(42, "the transport times the event from its dispatch");

        var item = rendering.BatchItem(StateFormat.Full, Utc);
        rendering.BatchItem(StateFormat.Full, Berlin).Should().NotBeSameAs(item);
        rendering.BatchItem(StateFormat.Full, Utc).Should().BeSameAs(item);
    }
}

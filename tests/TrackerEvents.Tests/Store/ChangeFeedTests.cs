using TrackerEvents.Store;
using TrackerEvents.Tracking;

namespace TrackerEvents.Tests.Store;

/// <summary>How the feed's rows become changes and a watermark (no database needed).</summary>
public sealed class ChangeFeedTests
{
    [Fact]
    public void ARowThatDoesNotParse_IsSkipped_ButTheWatermarkMovesPastIt()
    {
        ChangeFeed.FeedRow[] rows =
        [
            new() { Version = 7, Kind = 1, TrackerId = 1, UserId = 2, SourceId = 3, Payload = "not json" },
            new() { Version = 8, Kind = 2, TrackerId = 1, UserId = 2, ItemKind = "no_such_kind", ItemKey = "k", Payload = "{}" },
        ];

        var batch = ChangeFeed.ToBatch(rows, after: 6, limit: 10);

        batch.Changes.Should().ContainSingle().Which.Should().Be(new StateChange(7, 1, 2, 3, false, TrackerState.Initial),
            "a stored state that does not parse reads as the initial state");
        batch.Watermark.Should().Be(8);
        batch.More.Should().BeFalse();
    }

    [Fact]
    public void AFullBatch_SaysThereIsMore_AndAnEmptyOne_KeepsTheWatermark()
    {
        ChangeFeed.FeedRow[] rows =
        [
            new() { Version = 3, Kind = 4, TrackerId = 11, UserId = 2, Payload = "logout" },
            new() { Version = 5, Kind = 5, Payload = "tracking-id", ItemKey = "203.0.113.7" },
        ];

        var full = ChangeFeed.ToBatch(rows, after: 0, limit: 2);
        full.Changes.Should().Equal(new SessionEndedChange(3, 11, 2, "logout"), new ClientClosedChange(5, "tracking-id", "203.0.113.7"));
        full.Watermark.Should().Be(5);
        full.More.Should().BeTrue();

        var empty = ChangeFeed.ToBatch([], after: 5, limit: 2);
        empty.Changes.Should().BeEmpty();
        empty.Watermark.Should().Be(5);
        empty.More.Should().BeFalse();
    }
}

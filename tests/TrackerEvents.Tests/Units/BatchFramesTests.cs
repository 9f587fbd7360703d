using System.Text;
using TrackerEvents.Subscriptions;
using TrackerEvents.Tests.Infrastructure;
using TrackerEvents.Tracking;

namespace TrackerEvents.Tests.Units;

/// <summary>
/// Batch frames shared between connections: only for the very same rendered items, in the same order, with
/// the same event and date style, and only while fresh.
/// </summary>
public sealed class BatchFramesTests
{
    private static readonly DateStyle Plain = DateStyle.For(TimeZoneInfo.Utc, iso: false);
    private readonly FrozenClock _clock = new();
    private readonly byte[][] _items = [.. new[] { """{"id":1}""", """{"id":2}""", """{"id":3}""" }.Select(Encoding.UTF8.GetBytes)];

    [Fact]
    public void TheSameItems_GetTheSameFrame_BuiltOnce()
    {
        var frames = new BatchFrames(_clock);

        var first = frames.Frame("state_batch", _items, Plain);
        var second = frames.Frame("state_batch", [.. _items], Plain);

        second.Should().BeSameAs(first);
        (frames.Built, frames.Shared).Should().Be((1, 1));
        second.ToString().Should().Contain("""[{"id":1},{"id":2},{"id":3}]""");
    }

    [Fact]
    public void EqualButOtherItems_OtherOrder_OneMore_AnotherEventOrDateStyle_GetAFrameOfTheirOwn()
    {
        var frames = new BatchFrames(_clock);
        var first = frames.Frame("state_batch", _items, Plain);

        byte[][] copies = [.. _items.Select(i => i.ToArray())];
        frames.Frame("state_batch", copies, Plain).Should().NotBeSameAs(first, "equal bytes are not the same rendering of the same changes");
        frames.Frame("state_batch", [_items[1], _items[0], _items[2]], Plain).ToString().Should().Contain("""[{"id":2},{"id":1},{"id":3}]""");
        frames.Frame("state_batch", [.. _items, _items[0]], Plain).Should().NotBeSameAs(first);
        frames.Frame("readings_batch", _items, Plain).ToString().Should().Contain("\"event\":\"readings_batch\"");
        frames.Frame("state_batch", _items, DateStyle.Canonical).Should().NotBeSameAs(first);
        frames.Frame("state_batch", _items, null).ToString().Should().NotContain("user_time");

        frames.Shared.Should().Be(0);
    }

    [Fact]
    public void AFrameOlderThanMaxAge_IsNotHandedOutAgain()
    {
        var frames = new BatchFrames(_clock);
        var first = frames.Frame("state_batch", _items, Plain);

        _clock.Advance(BatchFrames.MaxAge + TimeSpan.FromMilliseconds(1));

        frames.Frame("state_batch", _items, Plain).Should().NotBeSameAs(first, "its user_time would be stale");
    }
}

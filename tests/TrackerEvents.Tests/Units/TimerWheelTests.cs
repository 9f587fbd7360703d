using Microsoft.Extensions.Logging.Abstractions;
using TrackerEvents.Subscriptions;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Units;

/// <summary>The timer wheel, driven by hand: the test moves the clock and runs what is due.</summary>
public sealed class TimerWheelTests
{
    private readonly ManualClock _clock = new();
    private readonly List<(string Name, long Token)> _fired = [];

    private TimerWheel Wheel() => new(_clock, NullLogger<TimerWheel>.Instance);

    private Recorder Target(string name) => new(name, _fired);

    [Fact]
    public void ATarget_IsCalledOnce_NotBeforeItsTime_WithItsToken()
    {
        var wheel = Wheel();
        wheel.Schedule(Target("a"), 7, TimeSpan.FromSeconds(1));

        wheel.RunDue();
        _fired.Should().BeEmpty();
        _clock.Advance(TimeSpan.FromSeconds(1.1));
        wheel.RunDue();
        wheel.RunDue();

        _fired.Should().Equal(("a", 7L));
    }

    [Fact]
    public void DelaysLongerThanOneTurn_WaitForTheirTurn()
    {
        var wheel = Wheel();
        wheel.Schedule(Target("long"), 1, TimeSpan.FromSeconds(100)); // the wheel turns once in ~82 s

        _clock.Advance(TimeSpan.FromSeconds(90));
        wheel.RunDue();
        _fired.Should().BeEmpty();
        _clock.Advance(TimeSpan.FromSeconds(11));
        wheel.RunDue();

        _fired.Should().Equal(("long", 1L));
    }

    [Fact]
    public void AfterALongPause_EverythingDueRuns()
    {
        var wheel = Wheel();
        wheel.Schedule(Target("a"), 1, TimeSpan.FromMilliseconds(40));
        wheel.Schedule(Target("b"), 2, TimeSpan.FromSeconds(30));

        _clock.Advance(TimeSpan.FromMinutes(10));
        wheel.RunDue();

        _fired.Select(f => f.Name).Should().BeEquivalentTo(["a", "b"]);
    }

    [Fact]
    public void AThrowingTarget_DoesNotStopTheOthers()
    {
        var wheel = Wheel();
        wheel.Schedule(new Thrower(), 1, TimeSpan.Zero);
        wheel.Schedule(Target("after"), 2, TimeSpan.Zero);

        _clock.Advance(TimeSpan.FromSeconds(1));
        wheel.RunDue();

        _fired.Should().Equal(("after", 2L));
    }

    [Fact]
    public void AWheelEntry_KeepsOnlyTheEarliestCallback()
    {
        var wheel = Wheel();
        var target = new Recorder("entry", _fired);
        var entry = new WheelEntry(target, wheel, _clock);
        target.Entry = entry;
        entry.Schedule(TimeSpan.FromSeconds(5));
        entry.Schedule(TimeSpan.FromSeconds(10)); // later: changes nothing
        entry.Schedule(TimeSpan.FromSeconds(1)); // earlier: supersedes

        _clock.Advance(TimeSpan.FromSeconds(6));
        wheel.RunDue();

        _fired.Should().ContainSingle().Which.Name.Should().Be("entry");
        target.Accepted.Should().Be(1, "the 5 s callback's token is stale once the 1 s one was scheduled");
    }

    private sealed class Recorder(string name, List<(string, long)> fired) : ITimerTarget
    {
        public WheelEntry? Entry { get; set; }

        public int Accepted { get; private set; }

        public void OnTimer(long token)
        {
            if (Entry is null || Entry.Fire(token))
            {
                Accepted++;
                fired.Add((name, token));
            }
        }
    }

    private sealed class Thrower : ITimerTarget
    {
        public void OnTimer(long token) => throw new InvalidOperationException("test");
    }
}

using TrackerEvents.Devices;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Units;

/// <summary>The device listener's per-key request budget, on a clock the test moves.</summary>
public sealed class FixedWindowBudgetTests
{
    [Fact]
    public void EachKey_HasItsOwnBudgetPerWindow_AndForgottenKeysAreDropped()
    {
        var clock = new ManualClock();
        var budget = new FixedWindowBudget(permits: 3, TimeSpan.FromMinutes(1), clock);

        Enumerable.Range(0, 5).Select(_ => budget.TryTake("a")).Should().Equal(true, true, true, false, false);
        budget.TryTake("b").Should().BeTrue("another key has its own budget");

        clock.Advance(TimeSpan.FromMinutes(1));
        budget.TryTake("a").Should().BeTrue("a new window, a new budget");
        budget.Keys.Should().Be(2);

        clock.Advance(TimeSpan.FromMinutes(2));
        budget.TryTake("c").Should().BeTrue();
        budget.Keys.Should().Be(1, "keys not seen for two windows are dropped");
    }

    [Fact]
    public void ConcurrentTakes_NeverExceedTheBudget()
    {
        var budget = new FixedWindowBudget(permits: 1000, TimeSpan.FromHours(1), TimeProvider.System);
        var taken = 0;

        Parallel.For(0, 5000, _ =>
        {
            if (budget.TryTake("flood"))
            {
                Interlocked.Increment(ref taken);
            }
        });

        taken.Should().Be(1000);
    }
}

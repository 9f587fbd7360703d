using Microsoft.Extensions.Logging.Abstractions;
using TrackerEvents.Dispatch;

namespace TrackerEvents.Tests.Units;

/// <summary>While feed reads fail the next is tried within a second, however long the safety poll; a success ends the run.</summary>
public sealed class FeedReadFailuresTests
{
    [Fact]
    public void AFailedRead_IsTriedAgainWithinASecond_UntilOneSucceeds()
    {
        var failures = new FeedReadFailures(NullLogger.Instance);
        var poll = TimeSpan.FromMinutes(10);
        failures.Wait(poll).Should().Be(poll, "nothing failed");

        failures.Failed(new InvalidOperationException("store away"));
        failures.Failed(new InvalidOperationException("store still away"));

        failures.Failing.Should().BeTrue();
        failures.Wait(poll).Should().Be(FeedReadFailures.Retry);
        failures.Wait(TimeSpan.FromMilliseconds(200)).Should().Be(TimeSpan.FromMilliseconds(200), "a shorter safety poll comes sooner anyway");

        failures.Succeeded(watermark: 7);

        failures.Failing.Should().BeFalse();
        failures.Wait(poll).Should().Be(poll);
    }
}

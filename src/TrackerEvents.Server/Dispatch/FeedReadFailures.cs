using TrackerEvents.Diagnostics;

namespace TrackerEvents.Dispatch;

/// <summary>
/// The dispatcher's run of failed feed reads: the first is logged, and the recovery once a read succeeds again.
/// While reads fail, the next is tried within <see cref="Retry"/> even when the safety poll is longer: nothing
/// else may wake the dispatcher for a store that is back (after an outage, a pooled connection it broke fails the
/// first read, and the listener's announcement on its return has been spent on that read). The dispatcher's own:
/// only <see cref="Failing"/> is read from other threads.
/// </summary>
internal sealed partial class FeedReadFailures(ILogger logger)
{
    /// <summary>The longest wait before a failed read is tried again.</summary>
    public static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);

    private int _count;

    /// <summary>Whether the last read of the feed failed (the store is unreachable).</summary>
    public bool Failing => Volatile.Read(ref _count) > 0;

    public void Failed(Exception exception)
    {
        if (Interlocked.Increment(ref _count) == 1)
        {
            LogReadFailed(logger, exception);
        }
    }

    public void Succeeded(long watermark)
    {
        if (_count > 0)
        {
            LogRecovered(logger, _count, watermark);
            Volatile.Write(ref _count, 0);
        }
    }

    /// <summary>How long to wait for a wake-up before reading again: the safety poll, or less while reads fail.</summary>
    public TimeSpan Wait(TimeSpan safetyPoll) => Failing && safetyPoll > Retry ? Retry : safetyPoll;

    [LoggerMessage(EventId = LogEvents.FeedReadFailed, Level = LogLevel.Warning, Message = "Reading the change feed failed; retrying")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = LogEvents.FeedRecovered, Level = LogLevel.Information, Message = "Change feed readable again after {Failures} failed reads; dispatched up to version {Watermark}")]
    private static partial void LogRecovered(ILogger logger, int failures, long watermark);
}

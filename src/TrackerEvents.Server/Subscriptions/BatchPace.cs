using TrackerEvents.Protocol;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// The pace of a batch stream: at most one frame per <see cref="RateLimit"/>, and none while the stream's
/// last frame still waits in the outbox (a slow client gets fewer, fuller frames, never a backlog of them).
/// </summary>
internal sealed class BatchPace(TimeSpan rateLimit, TimeProvider time)
{
    private long _lastFlush = time.GetTimestamp();

    /// <summary>The latest subscribe's <c>rate_limit</c>.</summary>
    public TimeSpan RateLimit { get; set; } = rateLimit;

    /// <summary>How long until the next frame may be built (zero: now).</summary>
    public TimeSpan Wait()
    {
        var wait = RateLimit - time.GetElapsedTime(_lastFlush);
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    /// <summary>Builds the frame and queues it when it is due; returns when to try again (<see cref="TimeSpan.MaxValue"/> once done).</summary>
    public TimeSpan Flush(Outbox outbox, Func<Payload?> build)
    {
        var now = time.GetTimestamp();
        var wait = RateLimit - time.GetElapsedTime(_lastFlush, now);
        if (wait > TimeSpan.Zero)
        {
            return wait;
        }

        if (outbox.PendingBatches > 0)
        {
            return RateLimit;
        }

        _lastFlush = now;
        if (build() is { } frame)
        {
            outbox.Add(frame);
        }

        return TimeSpan.MaxValue;
    }
}

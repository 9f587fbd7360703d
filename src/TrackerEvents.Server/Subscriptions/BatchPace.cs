using TrackerEvents.Protocol;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// The pace of a batch stream: at most one frame per <see cref="RateLimit"/> (to the timer's tick), and none
/// while the stream's last frame still waits in the outbox (a slow client gets fewer, fuller frames, never a
/// backlog of them). A frame that is due goes out at the next point of its phase's grid: the multiples of
/// <see cref="RateLimit"/> on the clock's timestamps, shifted by the phase (<see cref="BatchPhase"/>). Under
/// steady changes the streams of one rate and phase flush in the same tick of the <see cref="TimerWheel"/>, and
/// connections that took the same changes share one frame (<see cref="BatchFrames"/>). A change after a quiet
/// spell longer than the rate limit goes out at once, as before; the frame after it waits for the grid again.
/// </summary>
internal sealed class BatchPace(TimeSpan rateLimit, TimeProvider time, BatchPhase phase)
{
    private long _lastFlush = time.GetTimestamp();

    /// <summary>The latest subscribe's <c>rate_limit</c>.</summary>
    public TimeSpan RateLimit { get; set; } = rateLimit;

    /// <summary>How long until the next frame may be built (zero: now).</summary>
    public TimeSpan Wait() => Wait(time.GetTimestamp());

    /// <summary>Builds the frame and queues it when it is due; returns when to try again (<see cref="TimeSpan.MaxValue"/> once done).</summary>
    public TimeSpan Flush(Outbox outbox, Func<Payload?> build)
    {
        var now = time.GetTimestamp();
        if (Wait(now) is var wait && wait > TimeSpan.Zero)
        {
            return wait;
        }

        if (outbox.PendingBatches > 0)
        {
            return time.GetElapsedTime(now, GridPoint(now + 1, TimerWheel.Timestamps(RateLimit, time))); // the next grid point: a rate limit at most
        }

        _lastFlush = now;
        if (build() is { } frame)
        {
            outbox.Add(frame);
        }

        return TimeSpan.MaxValue;
    }

    private TimeSpan Wait(long now)
    {
        var period = TimerWheel.Timestamps(RateLimit, time);
        var due = GridPoint(_lastFlush + period - Math.Min(period / 2, TimerWheel.Timestamps(TimerWheel.Tick, time)), period);
        return due > now ? time.GetElapsedTime(now, due) : TimeSpan.Zero;
    }

    /// <summary>The first point of this phase's grid of <paramref name="period"/> (timestamp units) at or after <paramref name="timestamp"/>.</summary>
    private long GridPoint(long timestamp, long period)
    {
        var offset = phase.Offset(period);
        var remainder = (timestamp - offset) % period;
        return remainder == 0 ? timestamp : timestamp - remainder + (remainder > 0 ? period : 0);
    }
}

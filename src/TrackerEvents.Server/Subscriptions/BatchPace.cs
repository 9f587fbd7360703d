using TrackerEvents.Protocol;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// The pace of a batch stream: at most one frame per <see cref="RateLimit"/> (to the timer's tick), and none
/// while the stream's last frame still waits in the outbox (a slow client gets fewer, fuller frames, never a
/// backlog of them). A frame that is due goes out at the next point of its phase's grid: the multiples of
/// <see cref="RateLimit"/> on the clock's timestamps, shifted by the phase (<see cref="BatchPhase"/>). Under
/// steady changes the streams of one rate and phase flush in the same tick of the <see cref="TimerWheel"/>, and
/// connections that took the same changes share one frame (<see cref="BatchFrames"/>). A frame counts from the
/// grid point it was due at, not from when the timer got to it: one built late (the tick, a busy moment) does
/// not push the next one a whole period back, though it is never followed within half a period. A change after
/// a quiet spell longer than the rate limit goes out at once, as before; the frame after it waits for the grid
/// again, a rate limit later.
/// </summary>
internal sealed class BatchPace(TimeSpan rateLimit, TimeProvider time, BatchPhase phase)
{
    private long _lastFlush = time.GetTimestamp(); // when the last frame counts from: its grid point, or when it was built
    private long _lastBuilt = long.MinValue / 2; // when it was built
    private long _firstQueued = long.MinValue / 2; // when the stream last went from nothing waiting to something

    /// <summary>The latest subscribe's <c>rate_limit</c>.</summary>
    public TimeSpan RateLimit { get; set; } = rateLimit;

    /// <summary>Something is waiting and nothing was before: a frame could go from now on, not from an earlier grid point.</summary>
    public void Queued() => _firstQueued = time.GetTimestamp();

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

        // Due at a grid point with something waiting since before it: the frame counts from that point, however
        // late the timer came. Otherwise (a change after a quiet spell) from when its first item came.
        _lastFlush = Math.Max(LatestGridPoint(now), Math.Min(_firstQueued, now));
        _lastBuilt = now;
        if (build() is { } frame)
        {
            outbox.Add(frame);
        }

        return TimeSpan.MaxValue;
    }

    private TimeSpan Wait(long now)
    {
        var period = TimerWheel.Timestamps(RateLimit, time);
        var due = GridPoint(Math.Max(_lastFlush + period - Math.Min(period / 2, TimerWheel.Timestamps(TimerWheel.Tick, time)), _lastBuilt + period / 2), period);
        return due > now ? time.GetElapsedTime(now, due) : TimeSpan.Zero;
    }

    /// <summary>The last point of this phase's grid at or before <paramref name="timestamp"/>.</summary>
    private long LatestGridPoint(long timestamp)
    {
        var period = TimerWheel.Timestamps(RateLimit, time);
        var point = GridPoint(timestamp, period);
        return point > timestamp ? point - period : point;
    }

    /// <summary>The first point of this phase's grid of <paramref name="period"/> (timestamp units) at or after <paramref name="timestamp"/>.</summary>
    private long GridPoint(long timestamp, long period)
    {
        var offset = phase.Offset(period);
        var remainder = (timestamp - offset) % period;
        return remainder == 0 ? timestamp : timestamp - remainder + (remainder > 0 ? period : 0);
    }
}

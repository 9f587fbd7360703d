namespace TrackerEvents.Subscriptions;

/// <summary>
/// A target's one entry on the <see cref="TimerWheel"/>: asking for an earlier time supersedes the
/// callback already scheduled (whose token then no longer counts); asking for a later one changes nothing.
/// Not thread-safe: the owner locks around it.
/// </summary>
internal sealed class WheelEntry(ITimerTarget target, TimerWheel wheel, TimeProvider time)
{
    private long _token;
    private long _due = long.MaxValue;

    /// <summary>Makes sure the target is called back within <paramref name="delay"/> (<see cref="TimeSpan.MaxValue"/>: no need).</summary>
    public void Schedule(TimeSpan delay)
    {
        if (delay == TimeSpan.MaxValue)
        {
            return;
        }

        var due = time.GetTimestamp() + (long)(Math.Max(0, delay.TotalSeconds) * time.TimestampFrequency);
        if (due < _due)
        {
            _due = due;
            wheel.Schedule(target, ++_token, delay);
        }
    }

    /// <summary>Whether a callback with <paramref name="token"/> is the current one; if so the entry is free again.</summary>
    public bool Fire(long token)
    {
        if (token != _token)
        {
            return false;
        }

        _due = long.MaxValue;
        return true;
    }
}

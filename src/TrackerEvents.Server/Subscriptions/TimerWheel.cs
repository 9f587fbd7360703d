using TrackerEvents.Diagnostics;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// The one timer mechanism of the process: a hashed timing wheel that drives heartbeats, batch
/// flushes, retention expiry and stall checks for every client — no timer or task per connection.
/// Each client keeps at most a few entries; a client that fires early simply schedules itself again.
/// </summary>
internal sealed partial class TimerWheel(TimeProvider time, ILogger<TimerWheel> logger) : BackgroundService
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);
    private const int Slots = 4096; // ~82 s per turn; longer delays wait for their turn in the slot

    private readonly List<(ITimerTarget Target, long Due, long Token)>[] _slots = Enumerable.Range(0, Slots).Select(_ => new List<(ITimerTarget, long, long)>()).ToArray();
    private readonly Lock _lock = new();
    // On a multiple of the tick (in the clock's timestamps), so that a time on the grid of a batch pace is
    // a tick boundary: streams due at the same grid point fire in the same tick.
    private readonly long _origin = AlignedOrigin(time);
    private long _processed = -1;

    /// <summary>
    /// Held while due callbacks run, and by the dispatcher while it routes one change to its watchers: the
    /// two take turns, so every batch frame due in one tick is built from the same changes, and connections
    /// with the same subscription build the same frame (<see cref="BatchFrames"/>). Taken before any client's lock.
    /// </summary>
    public Lock Turn { get; } = new();

    /// <summary>Calls <paramref name="target"/> once, no sooner than <paramref name="delay"/> from now (rounded up to the tick).</summary>
    public void Schedule(ITimerTarget target, long token, TimeSpan delay)
    {
        var due = CurrentTick() + Math.Max(1, (long)Math.Ceiling(delay / Tick));
        lock (_lock)
        {
            due = Math.Max(due, _processed + 1);
            _slots[due % Slots].Add((target, due, token));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            RunDue();
        }
    }

    /// <summary>Calls back every target that is due by now (the loop does this every tick).</summary>
    internal void RunDue()
    {
        var due = new List<(ITimerTarget Target, long Token)>();
        var now = CurrentTick();
        lock (_lock)
        {
            // Visit each slot passed since the last turn (all of them at most, after a long pause or a
            // clock jump) and take every entry that is due by now.
            var passed = Math.Min(now - _processed, Slots);
            for (var step = 1; step <= passed; step++)
            {
                // Take what is due, keep entries for later turns (compacting in place: O(slot size)).
                var slot = _slots[(_processed + step) % Slots];
                // By index: the list is rewritten as it is read (a foreach would throw at the first kept entry).
                var kept = 0;
                for (var i = 0; i < slot.Count; i++)
                {
                    var entry = slot[i];
                    if (entry.Due <= now)
                    {
                        due.Add((entry.Target, entry.Token));
                    }
                    else
                    {
                        slot[kept++] = entry;
                    }
                }

                slot.RemoveRange(kept, slot.Count - kept);
            }

            _processed = now;
        }

        if (due.Count == 0)
        {
            return;
        }

        lock (Turn)
        {
            foreach (var (target, token) in due)
            {
                try
                {
                    target.OnTimer(token);
                }
                catch (Exception e)
                {
                    LogTimerFailed(logger, e);
                }
            }
        }
    }

    /// <summary><paramref name="span"/> in <paramref name="time"/>'s timestamp units (at least 1).</summary>
    internal static long Timestamps(TimeSpan span, TimeProvider time) =>
        (long)Int128.Max(1, (Int128)span.Ticks * time.TimestampFrequency / TimeSpan.TicksPerSecond);

    private static long AlignedOrigin(TimeProvider time)
    {
        var now = time.GetTimestamp();
        var tick = Timestamps(Tick, time);
        return now - ((now % tick) + tick) % tick;
    }

    private long CurrentTick() => (long)(time.GetElapsedTime(_origin) / Tick);

    [LoggerMessage(EventId = LogEvents.TimerFailed, Level = LogLevel.Error, Message = "A timer callback failed")]
    private static partial void LogTimerFailed(ILogger logger, Exception exception);
}

using System.Collections.Concurrent;

namespace TrackerEvents.Devices;

/// <summary>
/// A fixed-window request budget per key: at most <c>permits</c> per <c>window</c>, refused at once past it.
/// Each key has its own counter under its own lock, so ten thousand devices do not queue on one lock (as
/// they did on <c>PartitionedRateLimiter</c>, whose replenishing timer walks every partition under the
/// lock that every request takes). Counters of keys not seen for two windows are dropped, once a window.
/// </summary>
internal sealed class FixedWindowBudget(int permits, TimeSpan window, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly long _windowTicks = Math.Max(1, (long)(window.TotalSeconds * System.Diagnostics.Stopwatch.Frequency));
    private long _swept;

    /// <summary>Keys with a counter (bounded by the keys seen in the last two windows).</summary>
    public int Keys => _counters.Count;

    /// <summary>Takes one request from <paramref name="key"/>'s budget of the current window; false when it is spent.</summary>
    public bool TryTake(string key)
    {
        var current = time.GetTimestamp() / _windowTicks;
        SweepOnce(current);
        var counter = _counters.GetOrAdd(key, static _ => new Counter());
        lock (counter)
        {
            if (counter.Window != current)
            {
                counter.Window = current;
                counter.Count = 0;
            }

            if (counter.Count >= permits)
            {
                return false;
            }

            counter.Count++;
            return true;
        }
    }

    private void SweepOnce(long current)
    {
        var swept = Interlocked.Read(ref _swept);
        if (swept >= current || Interlocked.CompareExchange(ref _swept, current, swept) != swept)
        {
            return;
        }

        foreach (var (key, counter) in _counters)
        {
            if (Volatile.Read(ref counter.Window) < current - 1)
            {
                _counters.TryRemove(new KeyValuePair<string, Counter>(key, counter));
            }
        }
    }

    private sealed class Counter
    {
        public long Window = long.MinValue;
        public int Count;
    }
}

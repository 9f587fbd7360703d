using System.Collections.Concurrent;
using TrackerEvents.Store;

namespace TrackerEvents.Devices;

/// <summary>
/// Which tracker a device id belongs to, remembered once found: a device sends a point every few seconds,
/// and its tracker does not change. A remembered tracker that has since been corrupted is caught by the
/// write itself (the store writes only to live trackers), which then makes the directory forget it.
/// Ids without a tracker are not remembered: a tracker created for them is found at their next point.
/// </summary>
/// <remarks>
/// The points of a device that arrive while its id is being looked up wait for that look-up rather than
/// make their own, and at most <see cref="ConcurrentLookups"/> look-ups run at once: after a restart every
/// device's first point needs one, and a pooled connection each would open up to the pool's size of new
/// database connections in one burst (100 on PostgreSQL by default), while the rest of the server waits.
/// </remarks>
internal sealed class DeviceDirectory(TrackerStore trackers) : IDisposable
{
    /// <summary>Remembered ids before the directory starts over (a bound on memory, not a working-set size).</summary>
    public const int Capacity = 200_000;

    /// <summary>Look-ups in the database at once; the others wait their turn.</summary>
    public const int ConcurrentLookups = 8;

    private readonly ConcurrentDictionary<string, long> _trackers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<long?>> _lookups = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lookupSlots = new(ConcurrentLookups);
    private long _lookupCount;

    /// <summary>Look-ups made in the database so far.</summary>
    public long Lookups => Interlocked.Read(ref _lookupCount);

    public ValueTask<long?> FindAsync(string deviceId, CancellationToken cancellationToken)
    {
        if (_trackers.TryGetValue(deviceId, out var known))
        {
            return ValueTask.FromResult<long?>(known);
        }

        var mine = new TaskCompletionSource<long?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = _lookups.GetOrAdd(deviceId, mine.Task);
        if (shared == mine.Task)
        {
            _ = LookUpAsync(deviceId, mine);
        }

        return new ValueTask<long?>(shared.WaitAsync(cancellationToken));
    }

    public void Forget(string deviceId) => _trackers.TryRemove(deviceId, out _);

    public void Dispose() => _lookupSlots.Dispose();

    // The look-up is shared: once begun, it does not end with the request that began it (the command
    // timeout bounds it); each request stops waiting when it is cancelled.
    private async Task LookUpAsync(string deviceId, TaskCompletionSource<long?> lookup)
    {
        try
        {
            await _lookupSlots.WaitAsync(CancellationToken.None);
            try
            {
                Interlocked.Increment(ref _lookupCount);
                var found = await trackers.FindLiveTrackerIdAsync(deviceId, CancellationToken.None);
                if (found is { } trackerId)
                {
                    if (_trackers.Count >= Capacity)
                    {
                        _trackers.Clear();
                    }

                    _trackers[deviceId] = trackerId;
                }

                lookup.TrySetResult(found);
            }
            finally
            {
                _lookupSlots.Release();
            }
        }
        catch (Exception e)
        {
            lookup.TrySetException(e);
        }
        finally
        {
            // Remembered (when found) before it stops being shared: a point arriving in between finds one or the other.
            _lookups.TryRemove(new KeyValuePair<string, Task<long?>>(deviceId, lookup.Task));
        }
    }
}

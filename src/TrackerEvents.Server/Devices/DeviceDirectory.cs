using System.Collections.Concurrent;
using TrackerEvents.Store;

namespace TrackerEvents.Devices;

/// <summary>
/// Which tracker a device id belongs to, remembered once found: a device sends a point every few seconds,
/// and its tracker does not change. A remembered tracker that has since been corrupted is caught by the
/// write itself (the store writes only to live trackers), which then makes the directory forget it.
/// Ids without a tracker are not remembered: a tracker created for them is found at their next point.
/// </summary>
internal sealed class DeviceDirectory(TrackerStore trackers)
{
    /// <summary>Remembered ids before the directory starts over (a bound on memory, not a working-set size).</summary>
    public const int Capacity = 200_000;

    private readonly ConcurrentDictionary<string, long> _trackers = new(StringComparer.Ordinal);

    public async ValueTask<long?> FindAsync(string deviceId, CancellationToken cancellationToken)
    {
        if (_trackers.TryGetValue(deviceId, out var known))
        {
            return known;
        }

        var found = await trackers.FindLiveTrackerIdAsync(deviceId, cancellationToken);
        if (found is { } trackerId)
        {
            if (_trackers.Count >= Capacity)
            {
                _trackers.Clear();
            }

            _trackers[deviceId] = trackerId;
        }

        return found;
    }

    public void Forget(string deviceId) => _trackers.TryRemove(deviceId, out _);
}

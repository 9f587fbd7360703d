using System.Collections.Concurrent;

namespace TrackerEvents.Devices;

/// <summary>Counters of the device listener, for <c>/metrics</c>.</summary>
internal sealed class DeviceMetrics
{
    private readonly ConcurrentDictionary<string, long> _rejected = new(StringComparer.Ordinal);
    private long _points;

    /// <summary>Points stored and acknowledged.</summary>
    public long Points => Interlocked.Read(ref _points);

    /// <summary>Requests answered with anything but 200, by reason (<c>bad_request</c>, <c>unknown_device</c>, <c>rate_limited</c>, <c>store_unavailable</c>).</summary>
    public IReadOnlyDictionary<string, long> Rejected => _rejected;

    public void Stored() => Interlocked.Increment(ref _points);

    public void Reject(string reason) => _rejected.AddOrUpdate(reason, 1, (_, n) => n + 1);
}

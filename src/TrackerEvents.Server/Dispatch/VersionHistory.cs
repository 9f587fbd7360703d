namespace TrackerEvents.Dispatch;

/// <summary>
/// Which version the dispatcher had reached when: one sample per second for the last ~17 minutes, so
/// that a reconnecting client can be given again what it may have lost just before its connection died.
/// </summary>
internal sealed class VersionHistory(TimeProvider time)
{
    private const int Capacity = 1024;
    private readonly (long Timestamp, long Version)[] _samples = new (long, long)[Capacity];
    private readonly Lock _lock = new();
    private int _count;
    private int _next;

    public void Record(long version)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            var last = _count == 0 ? default : _samples[(_next + Capacity - 1) % Capacity];
            if (_count > 0 && time.GetElapsedTime(last.Timestamp, now) < TimeSpan.FromSeconds(1))
            {
                return;
            }

            _samples[_next] = (now, version);
            _next = (_next + 1) % Capacity;
            _count = Math.Min(_count + 1, Capacity);
        }
    }

    /// <summary>The version dispatched by <paramref name="timestamp"/>; 0 when that is older than the history (everything counts as recent).</summary>
    public long VersionAt(long timestamp)
    {
        lock (_lock)
        {
            var version = 0L;
            for (var i = 0; i < _count; i++)
            {
                var sample = _samples[(_next + Capacity - _count + i) % Capacity];
                if (sample.Timestamp > timestamp)
                {
                    break;
                }

                version = sample.Version;
            }

            return version;
        }
    }
}

namespace TrackerEvents.Subscriptions;

/// <summary>A token bucket: <c>rate</c> actions per second, refilled continuously, at most <c>rate</c> saved up. Thread-safe.</summary>
internal sealed class ActionTokens(int rate, TimeProvider time)
{
    private readonly Lock _gate = new();
    private double _tokens = rate;
    private long _at = time.GetTimestamp();

    /// <summary>Takes one token; false (and nothing taken) when none is left.</summary>
    public bool TryTake()
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(rate, _tokens + time.GetElapsedTime(_at, now).TotalSeconds * rate);
            _at = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens--;
            return true;
        }
    }
}

using System.Threading.RateLimiting;

namespace TrackerEvents.Auth;

/// <summary>
/// Request budgets per client address and per hash (Navixy: 50 requests/s per user and per IP address),
/// each a fixed window; a request past its budget is refused at once (error 15), never queued.
/// </summary>
internal sealed class RateLimits(int perAddress, int perHash, TimeSpan window) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perAddress = Create(perAddress, window);
    private readonly PartitionedRateLimiter<string> _perHash = Create(perHash, window);

    public bool TryAddress(string address) => TryAcquire(_perAddress, address);

    public bool TryHash(string hash) => TryAcquire(_perHash, hash.ToLowerInvariant());

    public void Dispose()
    {
        _perAddress.Dispose();
        _perHash.Dispose();
    }

    private static PartitionedRateLimiter<string> Create(int permits, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true }));

    private static bool TryAcquire(PartitionedRateLimiter<string> limiter, string key)
    {
        using var lease = limiter.AttemptAcquire(key);
        return lease.IsAcquired;
    }
}

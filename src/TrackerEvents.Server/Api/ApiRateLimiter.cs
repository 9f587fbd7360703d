using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using TrackerEvents.Hosting;

namespace TrackerEvents.Api;

/// <summary>
/// The API's request budgets: <see cref="ApiOptions.RateLimit"/> per window per client address and
/// per hash (Navixy: 50 requests/s per user and per IP address), plus the small concurrency limit of
/// the password check, so that a login flood cannot take the cores that deliver events.
/// </summary>
internal sealed class ApiRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perAddress;
    private readonly PartitionedRateLimiter<string> _perHash;

    public ApiRateLimiter(IOptions<ApiOptions> api, IOptions<AuthOptions> auth)
    {
        var options = api.Value;
        _perAddress = Create(options.AddressRateLimit, options.RateLimitWindow);
        _perHash = Create(options.RateLimit, options.RateLimitWindow);
        Logins = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = auth.Value.LoginConcurrency,
            QueueLimit = auth.Value.LoginQueue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>Permits for password checks; hold one while hashing.</summary>
    public ConcurrencyLimiter Logins { get; }

    public bool TryAddress(string address) => TryAcquire(_perAddress, address);

    public bool TryHash(string hash) => TryAcquire(_perHash, hash.ToLowerInvariant());

    private static PartitionedRateLimiter<string> Create(int permits, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true }));

    private static bool TryAcquire(PartitionedRateLimiter<string> limiter, string key)
    {
        using var lease = limiter.AttemptAcquire(key);
        return lease.IsAcquired;
    }

    public void Dispose()
    {
        _perAddress.Dispose();
        _perHash.Dispose();
        Logins.Dispose();
    }
}

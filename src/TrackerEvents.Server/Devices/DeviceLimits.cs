using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace TrackerEvents.Devices;

/// <summary>
/// Request budgets of the device listener, per client address and per device id, each a fixed window
/// (<see cref="DevicesOptions.RateLimitWindow"/>); a request past its budget is refused at once (429),
/// before it costs a read or a write, so a flooding device uses up only its own share.
/// </summary>
internal sealed class DeviceLimits : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perAddress;
    private readonly PartitionedRateLimiter<string> _perDevice;

    public DeviceLimits(IOptions<DevicesOptions> options)
    {
        var devices = options.Value;
        _perAddress = Create(devices.AddressRateLimit, devices.RateLimitWindow);
        _perDevice = Create(devices.DeviceRateLimit, devices.RateLimitWindow);
    }

    public bool TryAddress(string address) => TryAcquire(_perAddress, address);

    public bool TryDevice(string deviceId) => TryAcquire(_perDevice, deviceId);

    public void Dispose()
    {
        _perAddress.Dispose();
        _perDevice.Dispose();
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

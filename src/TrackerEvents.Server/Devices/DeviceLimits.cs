using Microsoft.Extensions.Options;

namespace TrackerEvents.Devices;

/// <summary>
/// Request budgets of the device listener, per client address and per device id, each a fixed window
/// (<see cref="DevicesOptions.RateLimitWindow"/>); a request past its budget is refused at once (429),
/// before it costs a read or a write, so a flooding device uses up only its own share.
/// </summary>
internal sealed class DeviceLimits(IOptions<DevicesOptions> options, TimeProvider time)
{
    private readonly FixedWindowBudget _perAddress = new(options.Value.AddressRateLimit, options.Value.RateLimitWindow, time);
    private readonly FixedWindowBudget _perDevice = new(options.Value.DeviceRateLimit, options.Value.RateLimitWindow, time);

    public bool TryAddress(string address) => _perAddress.TryTake(address);

    public bool TryDevice(string deviceId) => _perDevice.TryTake(deviceId);
}

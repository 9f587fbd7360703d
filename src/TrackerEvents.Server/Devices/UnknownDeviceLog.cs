using System.Collections.Concurrent;
using TrackerEvents.Diagnostics;
using TrackerEvents.Store;

namespace TrackerEvents.Devices;

/// <summary>
/// Requests from device ids that have no tracker: each is counted for the operator's list
/// (<see cref="UnknownDeviceStore"/>), and logged once per id per hour, so that a phone pointed at the
/// server with a typo in its id is seen without a line per request.
/// </summary>
internal sealed partial class UnknownDeviceLog(UnknownDeviceStore store, TimeProvider time, ILogger<UnknownDeviceLog> logger)
{
    public static readonly TimeSpan LogEvery = TimeSpan.FromHours(1);

    /// <summary>Ids whose last line is remembered; past this the memory starts over (a flood of made-up ids logs more, never grows without bound).</summary>
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _logged = new(StringComparer.Ordinal);

    public void Report(string deviceId, string address)
    {
        store.Record(deviceId, address);
        var now = time.GetUtcNow();
        if (_logged.TryGetValue(deviceId, out var last) && now - last < LogEvery)
        {
            return;
        }

        if (_logged.Count >= Capacity)
        {
            _logged.Clear();
        }

        _logged[deviceId] = now;
        LogUnknown(logger, deviceId, address);
    }

    [LoggerMessage(EventId = LogEvents.DeviceUnknown, Level = LogLevel.Warning,
        Message = "Device {DeviceId} from {Address} has no tracker; its points are refused (GET /admin/devices/unknown lists such ids)")]
    private static partial void LogUnknown(ILogger logger, string deviceId, string address);
}

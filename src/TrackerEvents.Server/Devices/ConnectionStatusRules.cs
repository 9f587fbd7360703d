namespace TrackerEvents.Devices;

/// <summary>What a device's silence makes of its tracker's connection status.</summary>
internal static class ConnectionStatusRules
{
    /// <summary>
    /// <c>offline</c> once the device has been silent <paramref name="offlineAfter"/>, <c>idle</c> once
    /// silent <paramref name="idleAfter"/> (and not yet offline), otherwise null: still active.
    /// </summary>
    public static string? For(TimeSpan silence, TimeSpan idleAfter, TimeSpan offlineAfter) =>
        silence >= offlineAfter ? "offline" : silence >= idleAfter ? "idle" : null;
}

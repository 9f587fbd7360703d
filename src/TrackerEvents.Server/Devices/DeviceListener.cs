namespace TrackerEvents.Devices;

/// <summary>
/// Where the device listener is bound, as the host reports it (the host binds <see cref="DevicesOptions.Urls"/>
/// as a listener of its own and routes every request that arrived there, and nothing else, to
/// <see cref="DeviceEndpoint"/>): for the banner, and for the demo simulator, which reports through it.
/// </summary>
internal sealed class DeviceListener(Func<IReadOnlyList<string>> boundAddresses)
{
    /// <summary>The device listener's addresses as Kestrel bound them (empty before it has, or when it is off).</summary>
    public IReadOnlyList<string> Addresses => boundAddresses();

    /// <summary>An address on which this process reaches its own device listener (a wildcard host becomes loopback).</summary>
    public Uri? LocalAddress => Addresses is [var address, ..]
        ? new UriBuilder(address.Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://[::]:", "://[::1]:", StringComparison.Ordinal)).Uri
        : null;
}

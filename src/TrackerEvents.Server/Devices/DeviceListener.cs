using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace TrackerEvents.Devices;

/// <summary>
/// Which of the server's ports are the device listener's. Kestrel listens on the main URLs and, after
/// them, on <see cref="DevicesOptions.Urls"/>, and reports the addresses it bound in that order; the last
/// <c>deviceUrls</c> of them (with the ports actually bound, also for port 0) are the device listener's.
/// A request is routed by the local port it arrived on, never by its Host header.
/// </summary>
internal sealed class DeviceListener(IServer server, int mainUrls, int deviceUrls)
{
    private volatile int[]? _ports;

    /// <summary>Whether the device listener was configured at all.</summary>
    public bool Enabled => deviceUrls > 0;

    /// <summary>The device listener's addresses as Kestrel bound them (empty before it has).</summary>
    public IReadOnlyList<string> Addresses
    {
        get
        {
            var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
            return Enabled && bound.Length == mainUrls + deviceUrls ? bound[mainUrls..] : [];
        }
    }

    /// <summary>An address on which this process reaches its own device listener (a wildcard host becomes loopback).</summary>
    public Uri? LocalAddress => Addresses is [var address, ..]
        ? new UriBuilder(address.Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://[::]:", "://[::1]:", StringComparison.Ordinal)
            .Replace("://*:", "://localhost:", StringComparison.Ordinal)
            .Replace("://+:", "://localhost:", StringComparison.Ordinal)).Uri
        : null;

    /// <summary>True when a connection on this local port came in through the device listener.</summary>
    public bool IsDevicePort(int localPort)
    {
        if (!Enabled)
        {
            return false;
        }

        var ports = _ports;
        if (ports is null)
        {
            var addresses = Addresses;
            if (addresses.Count == 0)
            {
                return false; // still binding: not all addresses are known yet
            }

            _ports = ports = [.. addresses.Select(Port)];
        }

        return Array.IndexOf(ports, localPort) >= 0;
    }

    private static int Port(string address)
    {
        var authority = address[(address.IndexOf("://", StringComparison.Ordinal) + 3)..].TrimEnd('/');
        return int.Parse(authority[(authority.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
    }
}

using System.Net;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using TrackerEvents.Auth;

namespace TrackerEvents.Devices;

/// <summary>
/// Serves the device listener's connections in place of Kestrel's HTTP/1.1 server: each connection is a
/// <see cref="DeviceConnection"/> under Kestrel's own limits (<c>Kestrel:Limits</c>: keep-alive and request
/// head timeouts, request line and header sizes; connection counts stay Kestrel's) and the proxies of
/// <c>Hosting:KnownProxies</c>.
/// </summary>
internal sealed class DeviceConnectionHandler(
    DeviceEndpoint endpoint, IOptions<DevicesOptions> options, IOptions<KestrelServerOptions> kestrel,
    IOptions<ForwardedHeadersOptions> forwarded, TimeProvider time)
{
    private readonly HashSet<IPAddress> _proxies = [.. forwarded.Value.KnownProxies.Select(ClientAddress.Normalized)];
    private DateLineCache _date = new(long.MinValue, []);

    public DeviceEndpoint Endpoint => endpoint;

    public DevicesOptions Options { get; } = options.Value;

    public KestrelServerLimits Limits { get; } = kestrel.Value.Limits;

    public Task OnConnectedAsync(ConnectionContext connection) => new DeviceConnection(connection, this).RunAsync();

    public bool IsKnownProxy(IPAddress address) => _proxies.Contains(address);

    /// <summary>The <c>Date</c> header's line (RFC 9110 §6.6.1), made once a second.</summary>
    public ReadOnlySpan<byte> DateLine()
    {
        var now = time.GetUtcNow();
        var second = now.ToUnixTimeSeconds();
        var date = _date;
        if (date.Second != second)
        {
            date = new DateLineCache(second, Encoding.ASCII.GetBytes($"Date: {now:R}\r\n"));
            _date = date;
        }

        return date.Line;
    }

    private sealed record DateLineCache(long Second, byte[] Line);
}

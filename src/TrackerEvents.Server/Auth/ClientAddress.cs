using System.Net;

namespace TrackerEvents.Auth;

/// <summary>
/// The address a request comes from, as every limit and log of the server counts it: the forwarded one
/// behind a proxy in <c>Hosting:KnownProxies</c>, and an IPv4 address mapped into IPv6 as plain IPv4, so that
/// one client is one key whichever way its socket was opened.
/// </summary>
internal static class ClientAddress
{
    public static IPAddress? Of(HttpContext http) => http.Connection.RemoteIpAddress is { } address ? Normalized(address) : null;

    /// <summary>An IPv4 address mapped into IPv6 as plain IPv4; any other as it is.</summary>
    public static IPAddress Normalized(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>The address as text (<c>unknown</c> when the transport has none).</summary>
    public static string Text(HttpContext http) => Of(http)?.ToString() ?? "unknown";
}

using System.Globalization;

namespace TrackerEvents.Client.Atmosphere;

/// <summary>
/// The requests of the Atmosphere protocol, with the parameters atmosphere.js puts in the query string:
/// open (WebSocket, long-polling), push (POST) and close.
/// </summary>
internal static class AtmosphereUrls
{
    /// <summary>
    /// Sent as <c>X-Atmosphere-Framework</c>: the atmosphere.js protocol version this client speaks (servers check
    /// the part before the first hyphen), then who it is.
    /// </summary>
    public const string Framework = "3.1.3-trackerevents-dotnet";

    public const string WebSocket = "websocket";
    public const string LongPolling = "long-polling";

    /// <summary>Opening a transport: a first connect (tracking id 0, with the protocol handshake) or a reconnect.</summary>
    public static Uri Open(Uri endpoint, string transport, string? trackingId, bool trackMessageSize, TimeProvider time)
    {
        var query = $"X-Atmosphere-tracking-id={Uri.EscapeDataString(trackingId ?? "0")}&X-Atmosphere-Framework={Framework}"
            + $"&X-Atmosphere-Transport={transport}" + (trackMessageSize ? "&X-Atmosphere-TrackMessageSize=true" : "")
            + "&Content-Type=application%2Fjson&X-atmo-protocol=true";
        if (transport == WebSocket)
        {
            var builder = new UriBuilder(endpoint) { Scheme = endpoint.Scheme == Uri.UriSchemeHttps ? "wss" : "ws", Query = query };
            return builder.Uri;
        }

        return With(endpoint, query + CacheBuster(time));
    }

    /// <summary>A message pushed over HTTP (<c>X-Atmosphere-Transport=polling</c>, the message as the body).</summary>
    public static Uri Push(Uri endpoint, string trackingId, TimeProvider time) =>
        With(endpoint, $"X-Atmosphere-tracking-id={Uri.EscapeDataString(trackingId)}&X-Atmosphere-Framework={Framework}"
            + "&X-Atmosphere-Transport=polling&X-Atmosphere-TrackMessageSize=true&Content-Type=application%2Fjson" + CacheBuster(time));

    /// <summary>The close request: the server forgets the client at once.</summary>
    public static Uri Close(Uri endpoint, string trackingId) =>
        With(endpoint, $"X-Atmosphere-Transport=close&X-Atmosphere-tracking-id={Uri.EscapeDataString(trackingId)}");

    private static string CacheBuster(TimeProvider time) =>
        "&_=" + time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static Uri With(Uri endpoint, string query) => new UriBuilder(endpoint) { Query = query }.Uri;
}

using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using TrackerEvents.Auth;
using TrackerEvents.Protocol;
using TrackerEvents.Subscriptions;

namespace TrackerEvents.Connections;

/// <summary>
/// A long-polling or streaming GET: finds the client by tracking id and either continues its HTTP
/// transport (the next poll; the next stream after the server ended one) or starts a new one, which
/// takes over from whatever transport the client had (a WebSocket, another HTTP transport).
/// </summary>
internal sealed class HttpTransportEndpoint(ClientRegistry registry, TransportServices services)
{
    public async Task ServeAsync(HttpContext http, AtmosphereParameters parameters)
    {
        var (client, resumed) = registry.Connect(parameters.TrackingId, ClientAddress.Of(http));
        PrepareResponse(http, client.TrackingId);

        // The first bytes: the handshake on a first connect (a long-poll answers with it alone, and the client
        // polls again at once with its uuid); otherwise whitespace, which makes atmosphere.js fire onReopen on a
        // stream and lets a browser see a held poll start (the client trims it away).
        var handshake = parameters.IsFirstConnect && parameters.Protocol
            ? AtmosphereFraming.Handshake(client.TrackingId, (int)services.Options.ClientHeartbeat.TotalMilliseconds, parameters.TrackMessageSize)
            : null;
        var first = handshake ?? AtmosphereFraming.ReopenPadding;
        var longPolling = parameters.Transport == AtmosphereTransports.LongPolling;
        if (!parameters.IsFirstConnect && client.Transport is HttpTransport current && current.Name == parameters.Transport
            && current.TryContinue(http, parameters))
        {
            await current.RunAsync(http, first, firstOnly: false, opening: null, resumed: false);
            return;
        }

        HttpTransport transport = longPolling
            ? new LongPollingTransport(http, client, parameters, services)
            : new StreamingTransport(http, client, parameters, services);
        var opening = parameters.IsFirstConnect ? "first connect" : resumed ? "resumed" : "reconnect (new client)";
        await transport.RunAsync(http, first, firstOnly: longPolling && handshake is not null, opening, resumed);
    }

    private static void PrepareResponse(HttpContext http, string trackingId)
    {
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers.CacheControl = "no-store, no-cache";
        response.Headers.Pragma = "no-cache";

        // Without nosniff Chromium hands a text/plain response to the page only once it has 1 KB of it.
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx: pass each write on at once
        response.Headers["X-Atmosphere-tracking-id"] = trackingId; // for clients with readResponsesHeaders

        // A slow reader is handled by the stall rule (as for a WebSocket), not by Kestrel's data rate limit.
        if (http.Features.Get<IHttpMinResponseDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = null;
        }
    }
}

using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;
using TrackerEvents.Auth;
using TrackerEvents.Diagnostics;
using TrackerEvents.Protocol;
using TrackerEvents.Store;
using TrackerEvents.Subscriptions;

namespace TrackerEvents.Connections;

/// <summary>
/// <c>/event/subscription</c> and <c>{base}/event/subscription</c>: the WebSocket upgrade, the HTTP
/// transports (long-polling and streaming GET, push by POST with <c>X-Atmosphere-Transport=polling</c>),
/// and the close request (GET or POST with <c>X-Atmosphere-Transport=close</c>) that atmosphere.js sends on unsubscribe.
/// </summary>
internal sealed partial class AtmosphereEndpoint(
    ClientRegistry registry, ConnectionSlots slots, TransportServices services, HttpTransportEndpoint httpTransports, PushEndpoint push,
    RateLimits limits, ChangeFeed feed, IStoreDialect dialect, ILogger<AtmosphereEndpoint> logger)
{
    private readonly IReadOnlySet<string> _served = AtmosphereTransports.Parse(services.Options.Transports);

    public async Task HandleAsync(HttpContext http)
    {
        var parameters = AtmosphereParameters.Parse(
            http.Request.Query.Select(q => new KeyValuePair<string, string>(q.Key, q.Value.ToString())),
            http.Request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString())));
        if (parameters.TrackingId is { } id && !TrackingId().IsMatch(id))
        {
            // Not an id this server or atmosphere.js makes; it would only end up in logs and URLs.
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("X-Atmosphere-tracking-id must be 1 to 64 letters, digits or hyphens (the uuid of the handshake).",
                http.RequestAborted);
            return;
        }

        if (parameters.IsClose)
        {
            await CloseAsync(http, parameters.TrackingId);
            return;
        }

        if (http.WebSockets.IsWebSocketRequest)
        {
            if (!_served.Contains(AtmosphereTransports.WebSocket))
            {
                await RefuseTransportAsync(http, AtmosphereTransports.WebSocket);
            }
            else if (await TryTakeConnectionAsync(http))
            {
                await ServeWebSocketAsync(http, parameters);
            }

            return;
        }

        var transport = parameters.Transport;
        var isStream = transport is AtmosphereTransports.LongPolling or AtmosphereTransports.Streaming;
        var isPush = transport == AtmosphereTransports.Polling && HttpMethods.IsPost(http.Request.Method);
        if (!isStream && !isPush)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("Open this endpoint as a WebSocket, or over HTTP with X-Atmosphere-Transport=long-polling or streaming "
                + "(atmosphere.js transports 'websocket', 'long-polling', 'streaming'); push by POST with X-Atmosphere-Transport=polling.",
                http.RequestAborted);
            return;
        }

        if (isStream ? !_served.Contains(transport) : !_served.Contains(AtmosphereTransports.LongPolling) && !_served.Contains(AtmosphereTransports.Streaming))
        {
            await RefuseTransportAsync(http, transport);
        }
        else if (!IsAllowedOrigin(http))
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
        }
        else if (isPush)
        {
            await push.HandleAsync(http, parameters);
        }
        else if (!HttpMethods.IsGet(http.Request.Method))
        {
            http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            http.Response.Headers.Allow = "GET";
        }
        else if (await TryTakeConnectionAsync(http))
        {
            try
            {
                await httpTransports.ServeAsync(http, parameters);
            }
            finally
            {
                slots.Release(ClientAddress.Of(http));
            }
        }
    }

    private async Task ServeWebSocketAsync(HttpContext http, AtmosphereParameters parameters)
    {
        try
        {
            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            await WebSocketTransport.ServeAsync(socket, http, parameters, registry, services);
        }
        finally
        {
            slots.Release(ClientAddress.Of(http));
        }
    }

    /// <summary>
    /// The client left on purpose: nothing is kept for it. A client this node does not hold may be held
    /// by another node (the load balancer routed the close elsewhere): the close goes through the store
    /// to every node. The answer is empty; the client does not read it.
    /// </summary>
    private async Task CloseAsync(HttpContext http, string? trackingId)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        var address = ClientAddress.Of(http);
        if (trackingId is null || registry.Close(trackingId, address))
        {
            return;
        }

        // Unauthenticated, so it may not write without limit.
        if (!limits.TryAddress(ClientAddress.Text(http)))
        {
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return;
        }

        try
        {
            await feed.RecordClientCloseAsync(trackingId, address?.ToString(), http.RequestAborted);
        }
        catch (Exception e) when (e is System.Data.Common.DbException || dialect.IsUnavailable(e))
        {
            // Without the store the close cannot travel; the other node's retention ends it within a minute.
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }
    }

    /// <summary>
    /// Takes a connection slot (WebSocket, held poll or open stream) for the client's address, or answers
    /// 503 when the process is full or stopping and 429 when that address holds its share.
    /// </summary>
    private async Task<bool> TryTakeConnectionAsync(HttpContext http)
    {
        var stopping = services.Stopping.IsCancellationRequested;
        var admission = stopping ? ConnectionAdmission.ProcessFull : slots.TryTake(ClientAddress.Of(http));
        if (admission == ConnectionAdmission.Admitted)
        {
            return true;
        }

        string message;
        if (admission == ConnectionAdmission.AddressFull)
        {
            services.Metrics.CountDisconnect(Disconnect.AddressFull);
            LogRefusedAddress(logger, ClientAddress.Text(http), services.Options.MaxConnectionsPerAddress);
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            message = "Too many connections from this address; try again later.";
        }
        else
        {
            if (!stopping)
            {
                services.Metrics.CountDisconnect(Disconnect.ProcessFull);
                LogRefused(logger, services.Options.MaxConnections);
            }

            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            message = stopping ? "The server is shutting down; try again later." : "Too many connections on this server; try again later.";
        }

        http.Response.Headers.RetryAfter = new StringValues("5");
        await http.Response.WriteAsync(message, http.RequestAborted);
        return false;
    }

    /// <summary>A transport switched off by <c>Atmosphere:Transports</c>: 501, and atmosphere.js tries its fallback transport.</summary>
    private Task RefuseTransportAsync(HttpContext http, string transport)
    {
        http.Response.StatusCode = StatusCodes.Status501NotImplemented;
        return http.Response.WriteAsync($"This server does not offer the {transport} transport (it serves: {services.Options.Transports}).", http.RequestAborted);
    }

    /// <summary>The WebSocket origin allow-list, applied to browser requests of the HTTP transports as well.</summary>
    private bool IsAllowedOrigin(HttpContext http) =>
        services.Options.AllowedOrigins.Length == 0 || http.Request.Headers.Origin is not { Count: > 0 } origin
        || services.Options.AllowedOrigins.Contains(origin.ToString(), StringComparer.OrdinalIgnoreCase);

    [GeneratedRegex("^[A-Za-z0-9-]{1,64}$")]
    private static partial Regex TrackingId();

    [LoggerMessage(EventId = LogEvents.ConnectionRefused, Level = LogLevel.Warning, Message = "Connection refused: this process already holds {MaxConnections} connections")]
    private static partial void LogRefused(ILogger logger, int maxConnections);

    [LoggerMessage(EventId = LogEvents.ConnectionRefusedAddress, Level = LogLevel.Warning, Message = "Connection refused: {Address} already holds {MaxConnectionsPerAddress} connections")]
    private static partial void LogRefusedAddress(ILogger logger, string address, int maxConnectionsPerAddress);
}

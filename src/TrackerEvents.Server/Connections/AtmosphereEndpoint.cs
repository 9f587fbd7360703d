using System.Net;
using Microsoft.Extensions.Primitives;
using TrackerEvents.Protocol;
using TrackerEvents.Subscriptions;

namespace TrackerEvents.Connections;

/// <summary>
/// <c>/event/subscription</c> and <c>{base}/event/subscription</c>: the WebSocket upgrade, the HTTP
/// transports (long-polling and streaming GET, push by POST with <c>X-Atmosphere-Transport=polling</c>),
/// and the close request (GET or POST with <c>X-Atmosphere-Transport=close</c>) that atmosphere.js sends on unsubscribe.
/// </summary>
internal static partial class AtmosphereEndpoint
{
    public static void MapAtmosphere(this IEndpointRouteBuilder routes, string basePath)
    {
        routes.Map("/event/subscription", HandleAsync);
        if (basePath.Length > 0)
        {
            routes.Map(basePath + "/event/subscription", HandleAsync);
        }
    }

    private static async Task HandleAsync(HttpContext http)
    {
        var parameters = AtmosphereParameters.Parse(
            http.Request.Query.Select(q => new KeyValuePair<string, string>(q.Key, q.Value.ToString())),
            http.Request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString())));
        var registry = http.RequestServices.GetRequiredService<ClientRegistry>();
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("TrackerEvents.Connections");
        if (parameters.IsClose)
        {
            await CloseAsync(http, parameters.TrackingId, registry);
            return;
        }

        var options = registry.Options;
        var served = registry.ServedTransports;
        if (http.WebSockets.IsWebSocketRequest)
        {
            if (!served.Contains(AtmosphereTransports.WebSocket))
            {
                await RefuseTransportAsync(http, AtmosphereTransports.WebSocket, options.Transports);
            }
            else if (await TryTakeConnectionAsync(http, registry, logger))
            {
                await ServeWebSocketAsync(http, parameters, registry, logger);
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

        if (isStream ? !served.Contains(transport) : !served.Contains(AtmosphereTransports.LongPolling) && !served.Contains(AtmosphereTransports.Streaming))
        {
            await RefuseTransportAsync(http, transport, options.Transports);
        }
        else if (!IsAllowedOrigin(http, options))
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
        }
        else if (isPush)
        {
            await PushEndpoint.HandleAsync(http, parameters, registry);
        }
        else if (!HttpMethods.IsGet(http.Request.Method))
        {
            http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            http.Response.Headers.Allow = "GET";
        }
        else if (await TryTakeConnectionAsync(http, registry, logger))
        {
            try
            {
                await HttpTransportEndpoint.ServeAsync(http, parameters, registry, logger);
            }
            finally
            {
                registry.CloseConnection(ClientAddress(http));
            }
        }
    }

    private static async Task ServeWebSocketAsync(HttpContext http, AtmosphereParameters parameters, ClientRegistry registry, ILogger logger)
    {
        try
        {
            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            var stopping = http.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped;
            await WebSocketTransport.RunAsync(socket, parameters, registry, http.RequestServices.GetRequiredService<ActionHandler>(),
                http.RequestServices.GetRequiredService<Dispatch.ChangeDispatcher>(), logger,
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown", http.Abort, stopping);
        }
        finally
        {
            registry.CloseConnection(ClientAddress(http));
        }
    }

    /// <summary>
    /// The client left on purpose: nothing is kept for it. A client this node does not hold may be held
    /// by another node (the load balancer routed the close elsewhere): the close goes through the store
    /// to every node. The answer is empty; the client does not read it.
    /// </summary>
    private static async Task CloseAsync(HttpContext http, string? trackingId, ClientRegistry registry)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        if (trackingId is null || registry.Close(trackingId) || !TrackingId().IsMatch(trackingId))
        {
            return;
        }

        // Unauthenticated, so it may not write without limit.
        if (!http.RequestServices.GetRequiredService<Api.ApiRateLimiter>().TryAddress(Api.ApiEndpoint.ClientAddress(http)))
        {
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return;
        }

        try
        {
            await http.RequestServices.GetRequiredService<Store.ChangeFeed>().RecordClientCloseAsync(trackingId, http.RequestAborted);
        }
        catch (Exception e) when (e is System.Data.Common.DbException || http.RequestServices.GetRequiredService<Store.IStoreDialect>().IsUnavailable(e))
        {
            // Without the store the close cannot travel; the other node's retention ends it within a minute.
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9-]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex TrackingId();

    /// <summary>
    /// Takes a connection slot (WebSocket, held poll or open stream) for the client's address, or answers
    /// 503 when the process is full or stopping and 429 when that address holds its share.
    /// </summary>
    private static async Task<bool> TryTakeConnectionAsync(HttpContext http, ClientRegistry registry, ILogger logger)
    {
        var stopping = http.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested;
        var admission = stopping ? ConnectionAdmission.ProcessFull : registry.TryOpenConnection(ClientAddress(http));
        if (admission == ConnectionAdmission.Admitted)
        {
            return true;
        }

        string message;
        if (admission == ConnectionAdmission.AddressFull)
        {
            LogRefusedAddress(logger, ClientAddress(http)?.ToString() ?? "unknown", registry.Options.MaxConnectionsPerAddress);
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            message = "Too many connections from this address; try again later.";
        }
        else
        {
            if (!stopping)
            {
                LogRefused(logger, registry.Options.MaxConnections);
            }

            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            message = stopping ? "The server is shutting down; try again later." : "Too many connections on this server; try again later.";
        }

        http.Response.Headers.RetryAfter = new StringValues("5");
        await http.Response.WriteAsync(message, http.RequestAborted);
        return false;
    }

    /// <summary>The client's address (the forwarded one behind a known proxy), IPv4-mapped addresses as IPv4.</summary>
    private static IPAddress? ClientAddress(HttpContext http) =>
        http.Connection.RemoteIpAddress is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : http.Connection.RemoteIpAddress;

    /// <summary>A transport switched off by <c>Atmosphere:Transports</c>: 501, and atmosphere.js tries its fallback transport.</summary>
    private static Task RefuseTransportAsync(HttpContext http, string transport, string served)
    {
        http.Response.StatusCode = StatusCodes.Status501NotImplemented;
        return http.Response.WriteAsync($"This server does not offer the {transport} transport (it serves: {served}).", http.RequestAborted);
    }

    /// <summary>The WebSocket origin allow-list, applied to browser requests of the HTTP transports as well.</summary>
    private static bool IsAllowedOrigin(HttpContext http, AtmosphereOptions options) =>
        options.AllowedOrigins.Length == 0 || http.Request.Headers.Origin is not { Count: > 0 } origin
        || options.AllowedOrigins.Contains(origin.ToString(), StringComparer.OrdinalIgnoreCase);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Warning, Message = "Connection refused: this process already holds {MaxConnections} connections")]
    private static partial void LogRefused(ILogger logger, int maxConnections);

    [LoggerMessage(EventId = 3304, Level = LogLevel.Warning, Message = "Connection refused: {Address} already holds {MaxConnectionsPerAddress} connections")]
    private static partial void LogRefusedAddress(ILogger logger, string address, int maxConnectionsPerAddress);
}

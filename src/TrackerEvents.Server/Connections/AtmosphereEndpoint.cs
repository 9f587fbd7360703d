using Microsoft.Extensions.Primitives;
using TrackerEvents.Protocol;
using TrackerEvents.Subscriptions;

namespace TrackerEvents.Connections;

/// <summary>
/// <c>/event/subscription</c> and <c>{base}/event/subscription</c>: the WebSocket upgrade, and the close
/// request (GET or POST with <c>X-Atmosphere-Transport=close</c>) that atmosphere.js sends on unsubscribe.
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

        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("Open this endpoint as a WebSocket (atmosphere.js transport 'websocket').", http.RequestAborted);
            return;
        }

        if (!registry.TryOpenConnection())
        {
            LogRefused(logger, registry.Options.MaxConnections);
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            http.Response.Headers.RetryAfter = new StringValues("5");
            await http.Response.WriteAsync("Too many connections on this server; try again later.", http.RequestAborted);
            return;
        }

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
            registry.CloseConnection();
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
            await http.RequestServices.GetRequiredService<Store.TrackerStore>().RecordClientCloseAsync(trackingId, http.RequestAborted);
        }
        catch (Exception e) when (e is System.Data.Common.DbException || http.RequestServices.GetRequiredService<Store.IStoreDialect>().IsUnavailable(e))
        {
            // Without the store the close cannot travel; the other node's retention ends it within a minute.
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9-]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex TrackingId();

    [LoggerMessage(EventId = 3303, Level = LogLevel.Warning, Message = "Connection refused: this process already holds {MaxConnections} connections")]
    private static partial void LogRefused(ILogger logger, int maxConnections);
}

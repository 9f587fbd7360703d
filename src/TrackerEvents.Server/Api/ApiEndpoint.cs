using System.Data.Common;
using Microsoft.Extensions.Options;
using TrackerEvents.Auth;
using TrackerEvents.Hosting;
using TrackerEvents.Store;
using TrackerEvents.Tracking;

namespace TrackerEvents.Api;

/// <summary>The body of one API call, given its parameters.</summary>
internal delegate Task<ApiFields> ApiCall(ApiParameters parameters);

/// <summary>What an API handler gets: the parameters, the caller's session and how to write dates.</summary>
internal sealed record ApiContext(HttpContext Http, ApiParameters Parameters, AuthenticatedSession Session, DateStyle Dates)
{
    public CancellationToken Aborted => Http.RequestAborted;

    public T Service<T>() where T : notnull => Http.RequestServices.GetRequiredService<T>();
}

/// <summary>
/// Maps Navixy-style API methods: GET or POST, parameters from JSON, form or query, the JSON
/// envelope on every answer, the per-address and per-hash rate limits, and the hash check.
/// </summary>
internal static partial class ApiEndpoint
{
    public static void MapApi(this IEndpointRouteBuilder routes, string path, Func<ApiContext, Task<ApiFields>> handler) =>
        routes.Map(path, (HttpContext http) => ExecuteAsync(http, async parameters =>
        {
            var session = await AuthenticateAsync(http, parameters);
            return await handler(new ApiContext(http, parameters, session, DatesFor(http, parameters, session.TimeZone)));
        }));

    /// <summary>A method that takes no hash (<c>user/auth</c>).</summary>
    public static void MapAnonymousApi(this IEndpointRouteBuilder routes, string path, Func<HttpContext, ApiParameters, Task<ApiFields>> handler) =>
        routes.Map(path, (HttpContext http) => ExecuteAsync(http, async parameters => await handler(http, parameters)));

    /// <summary>Answers error 111 for any path under the API base that no method matches.</summary>
    public static void MapApiFallback(this IEndpointRouteBuilder routes, string basePath) =>
        routes.Map(basePath + "/{**rest}", (HttpContext http) => ExecuteAsync(http, WrongHandler));

    private static Task<ApiFields> WrongHandler(ApiParameters parameters) => throw new ApiException(ApiError.WrongHandler);

    public static DateStyle DatesFor(HttpContext http, ApiParameters parameters, TimeZoneInfo zone)
    {
        var iso = parameters.Bool("iso_datetime") ?? string.Equals(http.Request.Headers["NVX-ISO-DateTime"], "true", StringComparison.OrdinalIgnoreCase);
        return DateStyle.For(zone, iso);
    }

    public static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async Task<AuthenticatedSession> AuthenticateAsync(HttpContext http, ApiParameters parameters)
    {
        var hash = parameters.Hash(http.Request);
        if (hash is not null && !http.RequestServices.GetRequiredService<ApiRateLimiter>().TryHash(hash))
        {
            throw new ApiException(ApiError.TooManyRequests);
        }

        return await http.RequestServices.GetRequiredService<SessionService>().RequireAsync(hash, http.RequestAborted);
    }

    /// <summary>Runs one call inside the envelope: every failure becomes an error answer, never a broken response.</summary>
    public static async Task ExecuteAsync(HttpContext http, ApiCall call, int? maxBytes = null)
    {
        var services = http.RequestServices;
        var cancellationToken = http.RequestAborted;
        try
        {
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsPost(http.Request.Method))
            {
                throw new ApiException(ApiError.WrongMethod);
            }

            if (!services.GetRequiredService<ApiRateLimiter>().TryAddress(ClientAddress(http)))
            {
                throw new ApiException(ApiError.TooManyRequests);
            }

            var parameters = await ApiParameters.ReadAsync(http, maxBytes ?? services.GetRequiredService<IOptions<ApiOptions>>().Value.MaxRequestBytes,
                cancellationToken);
            var fields = await call(parameters);
            await ApiResponse.WriteSuccessAsync(http.Response, fields, cancellationToken);
        }
        catch (ApiException e)
        {
            if (e.Error == ApiError.TooLarge)
            {
                CloseAfterResponse(http);
            }

            await ApiResponse.WriteErrorAsync(http.Response, e, cancellationToken);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            CloseAfterResponse(http);
            await ApiResponse.WriteErrorAsync(http.Response, new ApiException(ApiError.TooLarge), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the client went away; there is nobody to answer
        }
        catch (Exception e) when (services.GetRequiredService<IStoreDialect>().IsUnavailable(e))
        {
            LogUnavailable(Logger(services), http.Request.Path, e.Message);
            await ApiResponse.WriteErrorAsync(http.Response, new ApiException(ApiError.DatabaseUnavailable), cancellationToken);
        }
        catch (DbException e)
        {
            LogDatabaseError(Logger(services), http.Request.Path, e);
            await ApiResponse.WriteErrorAsync(http.Response, new ApiException(ApiError.DatabaseError), cancellationToken);
        }
        catch (Exception e)
        {
            LogUnexpected(Logger(services), http.Request.Path, e);
            await ApiResponse.WriteErrorAsync(http.Response, new ApiException(ApiError.Unexpected), cancellationToken);
        }
    }

    /// <summary>
    /// The rest of a refused oversized body is never read, so the connection cannot carry another
    /// request: say so, or a keep-alive client may send its next request into a closing connection.
    /// </summary>
    private static void CloseAfterResponse(HttpContext http)
    {
        if (!http.Response.HasStarted)
        {
            http.Response.Headers.Connection = "close";
        }
    }

    private static ILogger Logger(IServiceProvider services) => services.GetRequiredService<ILoggerFactory>().CreateLogger("TrackerEvents.Api");

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "API call {Path} failed: database unavailable ({Reason})")]
    private static partial void LogUnavailable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "API call {Path} failed with a database error")]
    private static partial void LogDatabaseError(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "API call {Path} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, string path, Exception exception);
}

using System.Data.Common;
using Microsoft.Extensions.Options;
using TrackerEvents.Auth;
using TrackerEvents.Diagnostics;
using TrackerEvents.Messages;
using TrackerEvents.Store;
using TrackerEvents.Tracking;

namespace TrackerEvents.Api;

/// <summary>The body of one API call, given its parameters.</summary>
internal delegate Task<ApiFields> ApiCall(ApiParameters parameters);

/// <summary>
/// Runs Navixy-style API calls: GET or POST, parameters from JSON, form or query, the JSON envelope on
/// every answer, the per-address and per-hash rate limits, and the hash check. Every failure becomes an
/// error answer, never a broken response.
/// </summary>
internal sealed partial class ApiRunner(
    RateLimits limits, SessionService sessions, IOptions<ApiOptions> options, IStoreDialect dialect, TimeProvider time, ILogger<ApiRunner> logger)
{
    /// <summary>A call that needs a hash: the handler gets the caller's session.</summary>
    public Task RunAuthenticatedAsync(HttpContext http, Func<ApiContext, Task<ApiFields>> handler) => RunAsync(http, async parameters =>
    {
        var hash = parameters.Hash(http.Request);
        if (hash is not null && !limits.TryHash(hash))
        {
            throw new ApiException(ApiError.TooManyRequests);
        }

        var session = await sessions.RequireAsync(hash, http.RequestAborted);
        return await handler(new ApiContext(http, parameters, session, DatesFor(http, parameters, session.TimeZone), time.GetUtcNow()));
    });

    /// <summary>Runs one call inside the envelope; <paramref name="maxBytes"/> overrides <see cref="ApiOptions.MaxRequestBytes"/>.</summary>
    /// <param name="authorize">Checks the caller from the request line and headers before anything else of the request
    /// is read (null: allowed), so that a refused caller costs no body read.</param>
    public async Task RunAsync(HttpContext http, ApiCall call, int? maxBytes = null, Func<HttpContext, ApiError?>? authorize = null)
    {
        var cancellationToken = http.RequestAborted;
        try
        {
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsPost(http.Request.Method))
            {
                throw new ApiException(ApiError.WrongMethod);
            }

            if (!limits.TryAddress(ClientAddress.Text(http)))
            {
                throw new ApiException(ApiError.TooManyRequests);
            }

            if (authorize?.Invoke(http) is { } refused)
            {
                CloseAfterResponse(http); // the body stays unread: the connection cannot carry another request
                throw new ApiException(refused);
            }

            var parameters = await ApiParameters.ReadAsync(http, maxBytes ?? options.Value.MaxRequestBytes, cancellationToken);
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
        catch (Exception e) when (dialect.IsUnavailable(e))
        {
            LogUnavailable(logger, http.Request.Path, e.Message);
            await ApiResponse.WriteErrorAsync(http.Response, new ApiException(ApiError.DatabaseUnavailable), cancellationToken);
        }
        catch (DbException e)
        {
            LogDatabaseError(logger, http.Request.Path, e);
            await ApiResponse.WriteErrorAsync(http.Response, new ApiException(ApiError.DatabaseError), cancellationToken);
        }
        catch (Exception e)
        {
            LogUnexpected(logger, http.Request.Path, e);
            await ApiResponse.WriteErrorAsync(http.Response, new ApiException(ApiError.Unexpected), cancellationToken);
        }
    }

    /// <summary>The caller's date style: <c>iso_datetime</c> (parameter or <c>NVX-ISO-DateTime</c> header) in the user's zone.</summary>
    public static DateStyle DatesFor(HttpContext http, ApiParameters parameters, TimeZoneInfo zone)
    {
        var iso = parameters.Bool("iso_datetime") ?? string.Equals(http.Request.Headers["NVX-ISO-DateTime"], "true", StringComparison.OrdinalIgnoreCase);
        return DateStyle.For(zone, iso);
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

    [LoggerMessage(EventId = LogEvents.ApiDatabaseUnavailable, Level = LogLevel.Warning, Message = "API call {Path} failed: database unavailable ({Reason})")]
    private static partial void LogUnavailable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = LogEvents.ApiDatabaseError, Level = LogLevel.Error, Message = "API call {Path} failed with a database error")]
    private static partial void LogDatabaseError(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = LogEvents.ApiUnexpected, Level = LogLevel.Error, Message = "API call {Path} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, string path, Exception exception);
}

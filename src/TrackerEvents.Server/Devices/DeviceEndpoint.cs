using System.Data.Common;
using System.Text;
using Microsoft.Extensions.Options;
using TrackerEvents.Auth;
using TrackerEvents.Diagnostics;
using TrackerEvents.Store;

namespace TrackerEvents.Devices;

/// <summary>
/// Everything that arrives on the device listener's port: <c>/</c> takes a point in the OsmAnd query/form
/// format (GET or POST) or the Traccar Client JSON format (POST, <c>application/json</c>), anything else is
/// 404. The answer is 200 with an empty body once the point is stored (committed), 400 with a one-line
/// reason for a malformed request or an unknown device id (nothing written), 429 past a rate limit, 503
/// when the store failed (the device sends the point again later).
/// </summary>
internal sealed partial class DeviceEndpoint(
    DeviceLimits limits, DeviceDirectory directory, UnknownDeviceLog unknown, StateStore states, DeviceMetrics metrics,
    IOptions<DevicesOptions> options, IStoreDialect dialect, TimeProvider time, ILogger<DeviceEndpoint> logger)
{
    private static readonly TimeSpan LogFailuresEvery = TimeSpan.FromSeconds(10);

    private readonly DevicesOptions _options = options.Value;
    private long _lastFailureLogged = long.MinValue;

    public async Task HandleAsync(HttpContext http)
    {
        try
        {
            await HandleCoreAsync(http, http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // the device went away; there is nobody to answer
        }
    }

    private async Task HandleCoreAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var request = http.Request;
        if (request.Path != "/")
        {
            await RespondAsync(http, StatusCodes.Status404NotFound, "not found: devices report to /", cancellationToken);
            return;
        }

        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsPost(request.Method))
        {
            http.Response.Headers.Allow = "GET, POST";
            await RespondAsync(http, StatusCodes.Status405MethodNotAllowed, "devices report with GET or POST", cancellationToken);
            return;
        }

        var address = ClientAddress.Text(http);
        if (!limits.TryAddress(address))
        {
            await RejectAsync(http, StatusCodes.Status429TooManyRequests, "rate_limited", "too many requests from this address", cancellationToken);
            return;
        }

        DevicePoint point;
        try
        {
            point = await ReadPointAsync(http, cancellationToken);
        }
        catch (DeviceRequestException e)
        {
            await RejectAsync(http, StatusCodes.Status400BadRequest, "bad_request", e.Message, cancellationToken);
            return;
        }

        if (!limits.TryDevice(point.DeviceId))
        {
            await RejectAsync(http, StatusCodes.Status429TooManyRequests, "rate_limited", "too many requests from this device", cancellationToken);
            return;
        }

        var now = time.GetUtcNow();
        if (point.Time > now + _options.MaxFutureSkew)
        {
            await RejectAsync(http, StatusCodes.Status400BadRequest, "bad_request",
                $"timestamp is more than {_options.MaxFutureSkew} ahead of the server's clock", cancellationToken);
            return;
        }

        bool stored;
        try
        {
            stored = await StoreAsync(point, point.Time ?? now, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogStoreFailure(e);
            await RejectAsync(http, StatusCodes.Status503ServiceUnavailable, "store_unavailable", "the point could not be stored; send it again", cancellationToken);
            return;
        }

        if (!stored)
        {
            unknown.Report(point.DeviceId, address);
            await RejectAsync(http, StatusCodes.Status400BadRequest, "unknown_device", "unknown device id", cancellationToken);
            return;
        }

        metrics.Stored();
        await RespondAsync(http, StatusCodes.Status200OK, null, cancellationToken);
    }

    /// <summary>Writes the point onto its tracker's state (group commit); false when the id has no live tracker.</summary>
    private async Task<bool> StoreAsync(DevicePoint point, DateTimeOffset pointTime, CancellationToken cancellationToken)
    {
        if (await directory.FindAsync(point.DeviceId, cancellationToken) is not { } trackerId)
        {
            return false;
        }

        var (movingSpeed, parkedAfter) = (_options.MovingSpeed, _options.ParkedAfter);
        var written = await states.WriteAsync(new StateWrite(trackerId,
            (current, at) => DeviceStateMapping.Apply(current, point, pointTime, at, movingSpeed, parkedAfter), FromDevice: true), cancellationToken);
        if (!written)
        {
            directory.Forget(point.DeviceId); // the tracker was corrupted since it was found
        }

        return written;
    }

    /// <summary>
    /// The point of this request: JSON when the body says <c>application/json</c>; otherwise the query
    /// parameters, or, when the query has none, the body as a form (Traccar reads them the same way).
    /// </summary>
    private async Task<DevicePoint> ReadPointAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var request = http.Request;
        var max = _options.MaxRequestBytes;
        var query = request.QueryString.Value ?? "";
        if (query.Length > max)
        {
            throw new DeviceRequestException($"the query string is longer than {max} bytes");
        }

        if (request.ContentType is { } type && type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return TraccarJsonDecoder.Decode(await ReadBodyAsync(http, max, cancellationToken), _options.MaxAdditional);
        }

        return OsmAndDecoder.TryDecodeQuery(query, _options.SpeedFactor, _options.MaxAdditional, out var point)
            ? point
            : OsmAndDecoder.DecodeForm(await ReadBodyAsync(http, max, cancellationToken), _options.SpeedFactor, _options.MaxAdditional);
    }

    /// <summary>The whole body, if it is at most <paramref name="max"/> bytes. The rest of a longer one is never read, so the connection is closed after the answer.</summary>
    private static async Task<byte[]> ReadBodyAsync(HttpContext http, int max, CancellationToken cancellationToken)
    {
        if (http.Request.ContentLength > max)
        {
            http.Response.Headers.Connection = "close";
            throw new DeviceRequestException($"the body is larger than {max} bytes");
        }

        using var body = new MemoryStream();
        var buffer = new byte[Math.Min(max + 1, 4096)];
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            body.Write(buffer, 0, read);
            if (body.Length > max)
            {
                http.Response.Headers.Connection = "close";
                throw new DeviceRequestException($"the body is larger than {max} bytes");
            }
        }

        return body.ToArray();
    }

    private Task RejectAsync(HttpContext http, int status, string reason, string text, CancellationToken cancellationToken)
    {
        metrics.Reject(reason);
        return RespondAsync(http, status, text, cancellationToken);
    }

    private static Task RespondAsync(HttpContext http, int status, string? text, CancellationToken cancellationToken)
    {
        var response = http.Response;
        response.StatusCode = status;
        if (text is null)
        {
            response.ContentLength = 0;
            return Task.CompletedTask;
        }

        var body = Encoding.UTF8.GetBytes(text + "\n");
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, cancellationToken).AsTask();
    }

    /// <summary>A store outage fails every request at once: one line per <see cref="LogFailuresEvery"/>, not one per request.</summary>
    private void LogStoreFailure(Exception e)
    {
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref _lastFailureLogged);
        if (last != long.MinValue && time.GetElapsedTime(last, now) < LogFailuresEvery
            || Interlocked.CompareExchange(ref _lastFailureLogged, now, last) != last)
        {
            return;
        }

        if (dialect.IsUnavailable(e) || e is DbException)
        {
            LogStoreFailed(logger, e);
        }
        else
        {
            LogUnexpected(logger, e);
        }
    }

    [LoggerMessage(EventId = LogEvents.DeviceStoreFailed, Level = LogLevel.Warning,
        Message = "Device points could not be stored; they are answered 503 (logged at most every 10 s)")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = LogEvents.DeviceUnexpected, Level = LogLevel.Error,
        Message = "A device point failed unexpectedly; answered 503 (logged at most every 10 s)")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);
}

using System.Data.Common;
using Microsoft.Extensions.Options;
using TrackerEvents.Diagnostics;
using TrackerEvents.Store;

namespace TrackerEvents.Devices;

/// <summary>
/// What a device request means, whatever reads it off the wire (<see cref="DeviceConnection"/>): <c>/</c>
/// takes a point in the OsmAnd query/form format (GET or POST) or the Traccar Client JSON format (POST,
/// <c>application/json</c>), anything else is 404. The answer is 200 with an empty body once the point is
/// stored (committed), 400 with a one-line reason for a malformed request or an unknown device id (nothing
/// written), 429 past a rate limit, 503 when the store failed (the device sends the point again later).
/// </summary>
internal sealed partial class DeviceEndpoint(
    DeviceLimits limits, DeviceDirectory directory, UnknownDeviceLog unknown, StateStore states, DeviceMetrics metrics,
    IOptions<DevicesOptions> options, IStoreDialect dialect, TimeProvider time, ILogger<DeviceEndpoint> logger)
{
    private static readonly TimeSpan LogFailuresEvery = TimeSpan.FromSeconds(10);

    private readonly DevicesOptions _options = options.Value;
    private long _lastFailureLogged = long.MinValue;

    /// <summary>
    /// The answer to a request that is refused on its head alone (a path other than <c>/</c>, a method other
    /// than GET or POST, an address past its budget), before anything of it is decoded; null to go on.
    /// </summary>
    public DeviceAnswer? Screen(in DeviceRequestHead head, string address)
    {
        if (!head.AtRoot)
        {
            return new DeviceAnswer(StatusCodes.Status404NotFound, "not found: devices report to /");
        }

        if (head.Method == DeviceMethod.Other)
        {
            return new DeviceAnswer(StatusCodes.Status405MethodNotAllowed, "devices report with GET or POST");
        }

        return limits.TryAddress(address) ? null : Reject(StatusCodes.Status429TooManyRequests, "rate_limited", "too many requests from this address");
    }

    /// <summary>The point in the query string; null when it has no parameters (the point is in the body).</summary>
    /// <exception cref="DeviceRequestException">The query is malformed, too long, or its point is invalid.</exception>
    public DevicePoint? DecodeQuery(ReadOnlySpan<byte> query)
    {
        if (query.Length > _options.MaxRequestBytes)
        {
            throw new DeviceRequestException($"the query string is longer than {_options.MaxRequestBytes} bytes");
        }

        return OsmAndDecoder.TryDecodeQuery(query, _options.SpeedFactor, _options.MaxAdditional, out var point) ? point : null;
    }

    /// <summary>
    /// The point in the body: JSON when the request said <c>application/json</c>, otherwise a form (Traccar
    /// reads them the same way).
    /// </summary>
    /// <exception cref="DeviceRequestException">The body is malformed, or its point is invalid.</exception>
    public DevicePoint DecodeBody(bool json, ReadOnlySpan<byte> body) => json
        ? TraccarJsonDecoder.Decode(body, _options.MaxAdditional)
        : OsmAndDecoder.DecodeForm(body, _options.SpeedFactor, _options.MaxAdditional);

    /// <summary>The answer to a request whose query or body is malformed, or whose point is invalid (400).</summary>
    public DeviceAnswer Refuse(string reason, bool close = false) =>
        Reject(StatusCodes.Status400BadRequest, "bad_request", reason) with { Close = close };

    /// <summary>
    /// Takes a decoded point: the device's budget, the clock, then the store. 200 once it is committed, 400 for
    /// an unknown device, 429 past the device's budget, 503 when the store failed (the device sends it again).
    /// </summary>
    public async Task<DeviceAnswer> ReportAsync(DevicePoint point, string address, CancellationToken cancellationToken)
    {
        if (!limits.TryDevice(point.DeviceId))
        {
            return Reject(StatusCodes.Status429TooManyRequests, "rate_limited", "too many requests from this device");
        }

        var now = time.GetUtcNow();
        if (point.Time > now + _options.MaxFutureSkew)
        {
            return Reject(StatusCodes.Status400BadRequest, "bad_request", $"timestamp is more than {_options.MaxFutureSkew} ahead of the server's clock");
        }

        bool stored;
        try
        {
            stored = await StoreAsync(point, point.Time ?? now, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogStoreFailure(e);
            return Reject(StatusCodes.Status503ServiceUnavailable, "store_unavailable", "the point could not be stored; send it again");
        }

        if (!stored)
        {
            unknown.Report(point.DeviceId, address);
            return Reject(StatusCodes.Status400BadRequest, "unknown_device", "unknown device id");
        }

        metrics.Stored();
        return DeviceAnswer.Stored;
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

    private DeviceAnswer Reject(int status, string reason, string text)
    {
        metrics.Reject(reason);
        return new DeviceAnswer(status, text);
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

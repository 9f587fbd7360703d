using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using TrackerEvents.Auth;

namespace TrackerEvents.Devices;

/// <summary>
/// One device's kept-alive HTTP/1.1 connection, read request by request straight off Kestrel's transport
/// (<see cref="DeviceConnectionHandler"/>): the head parsed in place (<see cref="DeviceRequestParser"/>), the
/// point decoded from the bytes, the answer written. Between requests the connection holds no part of the
/// last one: the query and headers never become strings, and a device's next point a second later does not
/// find its last one still referenced (Kestrel's own parser keeps the last request target's strings until
/// the next request comes: nearly half of what the young collections copied under device load).
/// </summary>
internal sealed class DeviceConnection(ConnectionContext connection, DeviceConnectionHandler server)
{
    private static readonly TimeSpan Never = Timeout.InfiniteTimeSpan;

    private readonly PipeReader _input = connection.Transport.Input;
    private readonly PipeWriter _output = connection.Transport.Output;
    private readonly IPAddress? _remote = connection.RemoteEndPoint is IPEndPoint ip ? ClientAddress.Normalized(ip.Address) : null;
    private string? _remoteText;

    private readonly DeviceBodyReader _body = new(connection.Transport.Input, server.Options.MaxRequestBytes);
    private bool _partial;

    public async Task RunAsync()
    {
        var closing = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed, closing);
        try
        {
            // The wait for a device's next request (a second or so for a phone) is here, in the one frame the
            // connection keeps: a request's own frames then usually complete at once, or live only until its
            // commit, and no longer outlive a young collection each (as the state of a method that waited
            // did, once per request).
            while (true)
            {
                deadline.CancelAfter(server.Limits.KeepAliveTimeout);
                var next = await _input.ReadAsync(deadline.Token);
                if (next.Buffer.IsEmpty && next.IsCompleted)
                {
                    break;
                }

                _input.AdvanceTo(next.Buffer.Start); // nothing examined: read again at once
                if (!await ServeAsync(deadline))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            if (_partial && !connection.ConnectionClosed.IsCancellationRequested && !closing.IsCancellationRequested)
            {
                await TryAnswerAsync(new DeviceAnswer(StatusCodes.Status408RequestTimeout, "the request did not arrive in time", Close: true));
            }
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or ConnectionAbortedException)
        {
            // the device went away
        }
        finally
        {
            await _input.CompleteAsync();
            await _output.CompleteAsync();
        }
    }

    /// <summary>Reads, answers and consumes one request; false when the connection is to close.</summary>
    private async ValueTask<bool> ServeAsync(CancellationTokenSource deadline)
    {
        var (head, buffer) = await ReadHeadAsync(deadline);
        if (head is not { } request)
        {
            return false;
        }

        var address = Address(request.ForwardedFor);
        var refused = server.Endpoint.Screen(request, address);
        DevicePoint? point = null;
        if (refused is null && !request.Json)
        {
            refused = DecodeQuery(buffer, request, out point);
        }

        buffer = buffer.Slice(request.Length);
        if (!request.HasBody)
        {
            _input.AdvanceTo(buffer.Start);
        }
        else if (buffer.IsEmpty && request.ExpectContinue)
        {
            if (refused is { } early)
            {
                _input.AdvanceTo(buffer.Start);
                await TryAnswerAsync(early with { Close = true }); // the client may send its body or not
                return false;
            }

            _output.Write("HTTP/1.1 100 Continue\r\n\r\n"u8);
            await _output.FlushAsync(deadline.Token);
        }

        var max = server.Options.MaxRequestBytes;
        var body = request.HasBody ? ArrayPool<byte>.Shared.Rent(max) : [];
        try
        {
            var (read, length) = request.HasBody ? await _body.ReadAsync(request, buffer, body, deadline.Token) : (DeviceBodyReader.Result.Read, 0);
            _partial = false;
            deadline.CancelAfter(Never);
            switch (read)
            {
                case DeviceBodyReader.Result.Gone:
                    return false;
                case DeviceBodyReader.Result.TooLarge:
                    refused = server.Endpoint.Refuse($"the body is larger than {max} bytes", close: true);
                    break;
                case DeviceBodyReader.Result.Malformed:
                    refused = server.Endpoint.Refuse("malformed chunked body", close: true);
                    break;
                default:
                    if (refused is null && point is null)
                    {
                        try
                        {
                            point = server.Endpoint.DecodeBody(request.Json, body.AsSpan(0, length));
                        }
                        catch (DeviceRequestException e)
                        {
                            refused = server.Endpoint.Refuse(e.Message);
                        }
                    }

                    break;
            }

            var answer = refused ?? await server.Endpoint.ReportAsync(point!, address, connection.ConnectionClosed);
            var keep = request.KeepAlive && !answer.Close;
            answer.WriteTo(_output, server.DateLine(), close: !keep, keepAlive10: keep && request.Http10);
            var flushed = await _output.FlushAsync(connection.ConnectionClosed);
            return keep && !flushed.IsCompleted;
        }
        finally
        {
            if (request.HasBody)
            {
                ArrayPool<byte>.Shared.Return(body);
            }
        }
    }

    /// <summary>
    /// Waits until a whole head is in the input (or it breaks a rule): the head, with the input from its
    /// first byte on, read but not yet consumed; null when the device closed the connection or was answered an error.
    /// </summary>
    private async ValueTask<(DeviceRequestHead?, ReadOnlySequence<byte>)> ReadHeadAsync(CancellationTokenSource deadline)
    {
        var limits = server.Limits;
        var maxHead = limits.MaxRequestLineSize + limits.MaxRequestHeadersTotalSize + 2;
        long scanned = 0;
        while (true)
        {
            var read = await _input.ReadAsync(deadline.Token);
            var buffer = read.Buffer;
            if (!_partial && !buffer.IsEmpty)
            {
                _partial = true;
                deadline.CancelAfter(limits.RequestHeadersTimeout);
            }

            if (HeadEnds(buffer, ref scanned) || buffer.Length > maxHead)
            {
                var result = Parse(buffer.Slice(0, Math.Min(buffer.Length, maxHead)), out var head, out var error);
                if (result == DeviceRequestParser.Result.Complete)
                {
                    return (head, buffer);
                }

                _input.AdvanceTo(buffer.End);
                await TryAnswerAsync(result == DeviceRequestParser.Result.Invalid
                    ? error
                    : new DeviceAnswer(StatusCodes.Status431RequestHeaderFieldsTooLarge, "the request head is too large", Close: true));
                return (null, default);
            }

            if (read.IsCompleted)
            {
                _input.AdvanceTo(buffer.End);
                return (null, default);
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>True once the input holds a blank line (a bare LF one too, so that its error comes at once); scans each byte once.</summary>
    private static bool HeadEnds(ReadOnlySequence<byte> buffer, ref long scanned)
    {
        var from = Math.Max(0, scanned - 3);
        scanned = buffer.Length;
        var crlf = new SequenceReader<byte>(buffer.Slice(from));
        var lf = crlf;
        return crlf.TryReadTo(out ReadOnlySequence<byte> _, "\r\n\r\n"u8) || lf.TryReadTo(out ReadOnlySequence<byte> _, "\n\n"u8);
    }

    private DeviceRequestParser.Result Parse(ReadOnlySequence<byte> head, out DeviceRequestHead request, out DeviceAnswer error)
    {
        var limits = server.Limits;
        if (head.IsSingleSegment)
        {
            return DeviceRequestParser.Parse(head.FirstSpan, limits.MaxRequestLineSize, limits.MaxRequestHeadersTotalSize, limits.MaxRequestHeaderCount, out request, out error);
        }

        var copy = ArrayPool<byte>.Shared.Rent((int)head.Length);
        try
        {
            head.CopyTo(copy);
            return DeviceRequestParser.Parse(copy.AsSpan(0, (int)head.Length), limits.MaxRequestLineSize, limits.MaxRequestHeadersTotalSize,
                limits.MaxRequestHeaderCount, out request, out error);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>The point in the query, when there is one; the answer when the query is refused.</summary>
    private DeviceAnswer? DecodeQuery(ReadOnlySequence<byte> buffer, in DeviceRequestHead request, out DevicePoint? point)
    {
        point = null;
        var query = buffer.Slice(request.QueryStart, request.QueryLength);
        var copy = query.IsSingleSegment ? null : ArrayPool<byte>.Shared.Rent(request.QueryLength);
        try
        {
            if (copy is not null)
            {
                query.CopyTo(copy);
            }

            point = server.Endpoint.DecodeQuery(copy is null ? query.FirstSpan : copy.AsSpan(0, request.QueryLength));
            return null;
        }
        catch (DeviceRequestException e)
        {
            return server.Endpoint.Refuse(e.Message);
        }
        finally
        {
            if (copy is not null)
            {
                ArrayPool<byte>.Shared.Return(copy);
            }
        }
    }

    /// <summary>The address limits and logs count: the socket's, or the last <c>X-Forwarded-For</c> hop behind a known proxy.</summary>
    private string Address(string? forwardedFor)
    {
        if (forwardedFor is not null && _remote is not null && server.IsKnownProxy(_remote)
            && IPAddress.TryParse(forwardedFor.AsSpan(forwardedFor.LastIndexOf(',') + 1).Trim(), out var forwarded))
        {
            return ClientAddress.Normalized(forwarded).ToString();
        }

        return _remoteText ??= _remote?.ToString() ?? "unknown";
    }

    /// <summary>Writes a last answer before the connection closes, if the device still listens.</summary>
    private async Task TryAnswerAsync(DeviceAnswer answer)
    {
        try
        {
            answer.WriteTo(_output, server.DateLine(), close: true, keepAlive10: false);
            await _output.FlushAsync(connection.ConnectionClosed);
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or ConnectionAbortedException or OperationCanceledException or InvalidOperationException)
        {
            // nobody is listening any more
        }
    }
}

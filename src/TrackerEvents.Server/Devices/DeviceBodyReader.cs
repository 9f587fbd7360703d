using System.Buffers;
using System.IO.Pipelines;

namespace TrackerEvents.Devices;

/// <summary>
/// Reads a device request's body off the connection's input into a buffer of <c>max</c> bytes, by its
/// <c>Content-Length</c> or its chunks (<see cref="ChunkedBody"/>), consuming it as it goes; a body larger
/// than <c>max</c> is refused before more of it is read.
/// </summary>
internal sealed class DeviceBodyReader(PipeReader input, int max)
{
    public enum Result
    {
        Read,
        TooLarge,
        Malformed,

        /// <summary>The device closed the connection within the body.</summary>
        Gone,
    }

    /// <summary>Reads the body into <paramref name="body"/> and consumes it, starting with what is already in <paramref name="buffer"/> (read, not consumed).</summary>
    public async Task<(Result, int)> ReadAsync(DeviceRequestHead request, ReadOnlySequence<byte> buffer, byte[] body, CancellationToken cancellationToken)
    {
        if (request.ContentLength > max)
        {
            input.AdvanceTo(buffer.Start);
            return (Result.TooLarge, 0);
        }

        var chunked = new ChunkedBody(max);
        var length = 0;
        var ended = false;
        while (true)
        {
            Result? done;
            if (request.Chunked)
            {
                done = ReadChunks(ref chunked, buffer, body);
                length = chunked.Length;
            }
            else
            {
                var take = (int)Math.Min(request.ContentLength - length, buffer.Length);
                buffer.Slice(0, take).CopyTo(body.AsSpan(length));
                length += take;
                input.AdvanceTo(buffer.GetPosition(take));
                done = length == request.ContentLength ? Result.Read : null;
            }

            if (done is { } result)
            {
                return (result, length);
            }

            if (ended)
            {
                return (Result.Gone, 0);
            }

            var read = await input.ReadAsync(cancellationToken);
            buffer = read.Buffer;
            ended = read.IsCompleted;
        }
    }

    /// <summary>Decodes the chunks in <paramref name="buffer"/> and consumes them; null while more is to come.</summary>
    private Result? ReadChunks(ref ChunkedBody chunked, ReadOnlySequence<byte> buffer, byte[] body)
    {
        var window = buffer.IsSingleSegment ? buffer : buffer.Slice(0, Math.Min(buffer.Length, 8192));
        var copy = window.IsSingleSegment ? null : ArrayPool<byte>.Shared.Rent((int)window.Length);
        try
        {
            if (copy is not null)
            {
                window.CopyTo(copy);
            }

            var result = chunked.Read(copy is null ? window.FirstSpan : copy.AsSpan(0, (int)window.Length), body, out var consumed);
            input.AdvanceTo(buffer.GetPosition(consumed), window.End);
            return result switch
            {
                ChunkedBody.Result.Done => Result.Read,
                ChunkedBody.Result.TooLarge => Result.TooLarge,
                ChunkedBody.Result.Invalid => Result.Malformed,
                _ => null,
            };
        }
        finally
        {
            if (copy is not null)
            {
                ArrayPool<byte>.Shared.Return(copy);
            }
        }
    }
}

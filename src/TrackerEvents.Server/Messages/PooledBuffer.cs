using System.Buffers;

namespace TrackerEvents.Messages;

/// <summary>
/// A growable buffer rented from the shared array pool, for rendering a message that is then copied once
/// into an array of its exact size: the working buffer is not allocated anew for every message. Returned to
/// the pool on <see cref="Dispose"/>; nothing written may be used after that.
/// </summary>
internal sealed class PooledBuffer(int initialSize) : IBufferWriter<byte>, IDisposable
{
    private byte[] _array = ArrayPool<byte>.Shared.Rent(initialSize);
    private int _written;

    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _written);

    /// <summary>What has been written, valid until the next write or <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _written);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _array.Length - _written);
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    /// <summary>Appends what <paramref name="stream"/> holds, to its end.</summary>
    public async Task ReadToEndAsync(Stream stream, CancellationToken cancellationToken)
    {
        while (await stream.ReadAsync(GetMemory(), cancellationToken) is > 0 and var read)
        {
            Advance(read);
        }
    }

    public void Dispose()
    {
        var array = _array;
        _array = [];
        _written = 0;
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private void Ensure(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_array.Length == 0, this);
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed <= _array.Length)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _array.Length * 2));
        WrittenSpan.CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_array);
        _array = larger;
    }
}

using System.Globalization;

namespace TrackerEvents.Devices;

/// <summary>
/// Decodes a <c>Transfer-Encoding: chunked</c> body (RFC 9112 §7.1) as it arrives, a piece at a time: each
/// call consumes the complete parts it is given (a size line, data, the CRLF after it, trailer lines) and
/// waits for the rest. Chunk extensions and trailers are read and dropped.
/// </summary>
internal struct ChunkedBody(int max)
{
    private const int MaxLine = 1024;
    private const int MaxTrailers = 8192;

    private Part _part;
    private long _left;
    private int _trailers;

    public enum Result
    {
        NeedMore,
        Done,
        TooLarge,
        Invalid,
    }

    private enum Part
    {
        Size,
        Data,
        DataEnd,
        Trailer,
        Done,
    }

    /// <summary>Bytes of the body decoded so far.</summary>
    public int Length { get; private set; }

    /// <summary>Decodes what it can of <paramref name="raw"/> into <paramref name="body"/> (at <see cref="Length"/>).</summary>
    /// <param name="body">At least <c>max</c> bytes.</param>
    /// <param name="consumed">Bytes of <paramref name="raw"/> used up; the rest is given again with more after it.</param>
    public Result Read(ReadOnlySpan<byte> raw, Span<byte> body, out int consumed)
    {
        consumed = 0;
        while (_part != Part.Done)
        {
            var rest = raw[consumed..];
            if (_part == Part.Data)
            {
                var take = (int)Math.Min(_left, rest.Length);
                if (take == 0)
                {
                    return Result.NeedMore;
                }

                rest[..take].CopyTo(body[Length..]);
                Length += take;
                _left -= take;
                consumed += take;
                _part = _left == 0 ? Part.DataEnd : Part.Data;
                continue;
            }

            var end = rest.IndexOf((byte)'\n');
            if (end < 0)
            {
                return rest.Length > MaxLine ? Result.Invalid : Result.NeedMore;
            }

            if (end == 0 || rest[end - 1] != '\r' || end > MaxLine)
            {
                return Result.Invalid;
            }

            var line = rest[..(end - 1)];
            consumed += end + 1;
            switch (_part)
            {
                case Part.Size:
                    var semicolon = line.IndexOf((byte)';');
                    var digits = (semicolon < 0 ? line : line[..semicolon]).TrimEnd(" \t"u8);
                    if (digits.IsEmpty || digits.Length > 8
                        || !long.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _left))
                    {
                        return Result.Invalid;
                    }

                    if (Length + _left > max)
                    {
                        return Result.TooLarge;
                    }

                    _part = _left == 0 ? Part.Trailer : Part.Data;
                    break;
                case Part.DataEnd:
                    if (!line.IsEmpty)
                    {
                        return Result.Invalid;
                    }

                    _part = Part.Size;
                    break;
                default: // a trailer line, or the blank line that ends the body
                    _trailers += end + 1;
                    if (_trailers > MaxTrailers)
                    {
                        return Result.Invalid;
                    }

                    _part = line.IsEmpty ? Part.Done : Part.Trailer;
                    break;
            }
        }

        return Result.Done;
    }
}

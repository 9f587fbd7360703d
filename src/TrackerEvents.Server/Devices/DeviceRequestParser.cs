using System.Buffers.Text;
using System.Text;

namespace TrackerEvents.Devices;

/// <summary>
/// Reads the head of an HTTP/1.1 request (RFC 9112) as devices send it, strictly: a request line of
/// method, origin-form (or absolute-form) target and version; header lines ending in CRLF, no folding, no
/// space before the colon; one <c>Content-Length</c> of digits or <c>Transfer-Encoding: chunked</c>, never
/// both. Anything else is a <see cref="DeviceAnswer"/> that closes the connection. Only the headers that
/// frame the body or the connection are kept; the rest are checked and skipped.
/// </summary>
internal static class DeviceRequestParser
{
    public enum Result
    {
        Incomplete,
        Complete,
        Invalid,
    }

    /// <summary>Parses the head at the start of <paramref name="data"/>.</summary>
    /// <param name="maxLine">Longest request line (Kestrel's <c>MaxRequestLineSize</c>).</param>
    /// <param name="maxHeaders">Most bytes of header lines (<c>MaxRequestHeadersTotalSize</c>).</param>
    /// <param name="maxCount">Most header lines (<c>MaxRequestHeaderCount</c>).</param>
    /// <param name="error">For <see cref="Result.Invalid"/>: the answer, and the connection closes after it.</param>
    public static Result Parse(ReadOnlySpan<byte> data, int maxLine, int maxHeaders, int maxCount, out DeviceRequestHead head, out DeviceAnswer error)
    {
        head = new DeviceRequestHead { ContentLength = -1 };
        error = default;
        var lineEnd = data.IndexOf((byte)'\n');
        if (lineEnd < 0 || lineEnd > maxLine)
        {
            return data.Length > maxLine ? Fail(out error, 414, $"the request line is longer than {maxLine} bytes") : Result.Incomplete;
        }

        if (RequestLine(data[..lineEnd], ref head) is { } badLine)
        {
            error = badLine;
            return Result.Invalid;
        }

        var position = lineEnd + 1;
        var count = 0;
        while (true)
        {
            var rest = data[position..];
            var end = rest.IndexOf((byte)'\n');
            if (end < 0)
            {
                return position - lineEnd - 1 + rest.Length > maxHeaders ? Fail(out error, 431, $"the headers are larger than {maxHeaders} bytes") : Result.Incomplete;
            }

            if (end == 0 || rest[end - 1] != '\r')
            {
                return Fail(out error, 400, "header lines must end in CRLF");
            }

            position += end + 1;
            if (position - lineEnd - 1 > maxHeaders)
            {
                return Fail(out error, 431, $"the headers are larger than {maxHeaders} bytes");
            }

            if (end == 1)
            {
                break; // the blank line
            }

            if (++count > maxCount)
            {
                return Fail(out error, 431, $"more than {maxCount} headers");
            }

            if (Header(rest[..(end - 1)], ref head) is { } badHeader)
            {
                error = badHeader;
                return Result.Invalid;
            }
        }

        if (head.Chunked && head.ContentLength >= 0)
        {
            return Fail(out error, 400, "Content-Length and Transfer-Encoding together");
        }

        head.Length = position;
        return Result.Complete;
    }

    private static DeviceAnswer? RequestLine(ReadOnlySpan<byte> line, ref DeviceRequestHead head)
    {
        if (line.IsEmpty || line[^1] != '\r')
        {
            return Bad(400, "the request line must end in CRLF");
        }

        line = line[..^1];
        var firstSpace = line.IndexOf((byte)' ');
        var lastSpace = line.LastIndexOf((byte)' ');
        if (firstSpace <= 0 || lastSpace <= firstSpace + 1)
        {
            return Bad(400, "malformed request line");
        }

        var method = line[..firstSpace];
        var target = line[(firstSpace + 1)..lastSpace];
        var version = line[(lastSpace + 1)..];
        if (!IsToken(method) || target.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7E) >= 0)
        {
            return Bad(400, "malformed request line (the target must be ASCII, percent-encoded)");
        }

        head.Http10 = version.SequenceEqual("HTTP/1.0"u8);
        if (!head.Http10 && !version.SequenceEqual("HTTP/1.1"u8))
        {
            return Bad(505, "HTTP/1.1 or HTTP/1.0 only");
        }

        head.Method = method.SequenceEqual("GET"u8) ? DeviceMethod.Get : method.SequenceEqual("POST"u8) ? DeviceMethod.Post : DeviceMethod.Other;
        var targetStart = firstSpace + 1;
        if (target.StartsWith("http://"u8) || target.StartsWith("https://"u8))
        {
            // absolute-form: the authority is not ours to check (the listener answers whatever host was asked)
            var afterScheme = target.IndexOf("//"u8) + 2;
            var pathStart = target[afterScheme..].IndexOfAny((byte)'/', (byte)'?');
            targetStart += pathStart < 0 ? target.Length : afterScheme + pathStart;
            target = pathStart < 0 ? default : target[(afterScheme + pathStart)..];
        }

        var question = target.IndexOf((byte)'?');
        var path = question < 0 ? target : target[..question];
        head.AtRoot = path.IsEmpty || path.SequenceEqual("/"u8);
        if (question >= 0)
        {
            head.QueryStart = targetStart + question + 1;
            head.QueryLength = target.Length - question - 1;
        }

        return null;
    }

    private static DeviceAnswer? Header(ReadOnlySpan<byte> line, ref DeviceRequestHead head)
    {
        var colon = line.IndexOf((byte)':');
        if (colon <= 0 || !IsToken(line[..colon]))
        {
            return Bad(400, line[0] is (byte)' ' or (byte)'\t' ? "folded header lines are not accepted" : "malformed header line");
        }

        var name = line[..colon];
        var value = line[(colon + 1)..].Trim(" \t"u8);
        if (value.IndexOfAnyInRange((byte)0x00, (byte)0x08) >= 0 || value.IndexOfAnyInRange((byte)0x0A, (byte)0x1F) >= 0 || value.Contains((byte)0x7F))
        {
            return Bad(400, "control characters in a header value");
        }

        if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
        {
            if (head.ContentLength >= 0 || value.IsEmpty || value.Length > 18 || value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0
                || !Utf8Parser.TryParse(value, out long length, out _))
            {
                return Bad(400, "Content-Length must be one number");
            }

            head.ContentLength = length;
        }
        else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
        {
            if (head.Chunked || !Ascii.EqualsIgnoreCase(value, "chunked"u8))
            {
                return Bad(501, "only Transfer-Encoding: chunked is accepted");
            }

            head.Chunked = true;
        }
        else if (Ascii.EqualsIgnoreCase(name, "Content-Type"u8))
        {
            head.Json = value.Length >= 16 && Ascii.EqualsIgnoreCase(value[..16], "application/json"u8);
        }
        else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
        {
            foreach (var range in value.Split((byte)','))
            {
                var option = value[range].Trim(" \t"u8);
                if (Ascii.EqualsIgnoreCase(option, "close"u8))
                {
                    head.Close = true;
                }
                else if (Ascii.EqualsIgnoreCase(option, "keep-alive"u8))
                {
                    head.KeepAliveAsked = true;
                }
            }
        }
        else if (Ascii.EqualsIgnoreCase(name, "Expect"u8))
        {
            head.ExpectContinue = Ascii.EqualsIgnoreCase(value, "100-continue"u8);
        }
        else if (Ascii.EqualsIgnoreCase(name, "X-Forwarded-For"u8))
        {
            head.ForwardedFor = Encoding.Latin1.GetString(value);
        }

        return null;
    }

    /// <summary>RFC 9110's <c>token</c>: the characters a method or a header name is made of.</summary>
    private static bool IsToken(ReadOnlySpan<byte> text)
    {
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit((char)c) || "!#$%&'*+-.^_`|~"u8.Contains(c)))
            {
                return false;
            }
        }

        return !text.IsEmpty;
    }

    private static Result Fail(out DeviceAnswer error, int status, string text)
    {
        error = Bad(status, text);
        return Result.Invalid;
    }

    private static DeviceAnswer Bad(int status, string text) => new(status, text, Close: true);
}

using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace TrackerEvents.Devices;

/// <summary>
/// The answer to one device request: a status, an optional one-line reason as the body, and whether the
/// connection closes after it. 200 has an empty body; 405 names the methods devices use.
/// </summary>
internal readonly record struct DeviceAnswer(int Status, string? Text, bool Close = false)
{
    public static readonly DeviceAnswer Stored = new(200, null);

    /// <summary>Writes the answer as HTTP/1.1.</summary>
    /// <param name="date">The <c>Date</c> header's line, CRLF included.</param>
    /// <param name="close">The connection closes after this answer (its own <see cref="Close"/>, or the request's).</param>
    /// <param name="keepAlive10">An HTTP/1.0 connection that asked to be kept, and is.</param>
    public void WriteTo(IBufferWriter<byte> output, ReadOnlySpan<byte> date, bool close, bool keepAlive10)
    {
        if (Status == 200 && Text is null && !close && !keepAlive10)
        {
            Write(output, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"u8);
        }
        else
        {
            Write(output, "HTTP/1.1 "u8);
            Ascii(output, $"{Status} {ReasonPhrases.GetReasonPhrase(Status)}\r\nContent-Length: {(Text is null ? 0 : Encoding.UTF8.GetByteCount(Text) + 1)}\r\n");
            if (Text is not null)
            {
                Write(output, "Content-Type: text/plain; charset=utf-8\r\n"u8);
            }

            if (Status == 405)
            {
                Write(output, "Allow: GET, POST\r\n"u8);
            }

            Write(output, close ? "Connection: close\r\n"u8 : keepAlive10 ? "Connection: keep-alive\r\n"u8 : default);
        }

        Write(output, date);
        Write(output, "\r\n"u8);
        if (Text is not null)
        {
            var body = output.GetSpan(Encoding.UTF8.GetMaxByteCount(Text.Length) + 1);
            var length = Encoding.UTF8.GetBytes(Text, body);
            body[length] = (byte)'\n';
            output.Advance(length + 1);
        }
    }

    private static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);

    private static void Ascii(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(text.Length);
        output.Advance(Encoding.ASCII.GetBytes(text, span));
    }
}

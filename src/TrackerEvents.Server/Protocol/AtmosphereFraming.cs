using System.Globalization;
using System.Text;

namespace TrackerEvents.Protocol;

/// <summary>
/// The Atmosphere wire format, as the atmosphere.js client parses it: the handshake, message length
/// tracking (<c>&lt;UTF-16 length&gt;|&lt;payload&gt;</c>), heartbeats and the reopen padding. Pure functions.
/// </summary>
internal static class AtmosphereFraming
{
    public const string Padding = "X";
    public const char Delimiter = '|';
    public const string PathDelimiter = "@@";

    /// <summary>
    /// Whitespace that starts a held poll or a stream of a known tracking id, so that a browser sees the
    /// response open at once (atmosphere.js fires a stream's <c>onReopen</c> on it). The client trims
    /// messages and drops empty ones, so it never reaches the application.
    /// </summary>
    public static readonly byte[] ReopenPadding = "  \n"u8.ToArray();

    /// <summary>
    /// The first frame of a WebSocket that reconnects with a known tracking id: the heartbeat (<c>X</c>, or
    /// <c>1|X</c> with length tracking), not whitespace. atmosphere.js, having seen the handshake, fires
    /// <c>onReopen</c> on any frame and drops the heartbeat; a raw client that skips heartbeats and parses
    /// every other frame as JSON would fail on a whitespace frame.
    /// </summary>
    public static byte[] Reopen(bool trackMessageSize) => Heartbeat(trackMessageSize);

    /// <summary><c>&lt;uuid&gt;|&lt;client heartbeat ms&gt;|X|</c>, length-prefixed when the connection tracks message size.</summary>
    public static byte[] Handshake(string trackingId, int clientHeartbeatMs, bool trackMessageSize)
    {
        var handshake = string.Create(CultureInfo.InvariantCulture, $"{trackingId}{Delimiter}{clientHeartbeatMs}{Delimiter}{Padding}{Delimiter}");
        return Encoding.UTF8.GetBytes(trackMessageSize ? Prefix(handshake.Length) + handshake : handshake);
    }

    /// <summary>The server heartbeat: <c>X</c>, or <c>1|X</c> with message length tracking.</summary>
    public static byte[] Heartbeat(bool trackMessageSize) => trackMessageSize ? "1|X"u8.ToArray() : "X"u8.ToArray();

    /// <summary>The length prefix of a message of <paramref name="utf16Length"/> UTF-16 code units (what JavaScript's <c>length</c> counts).</summary>
    public static string Prefix(int utf16Length) => utf16Length.ToString(CultureInfo.InvariantCulture) + Delimiter;

    /// <summary><paramref name="utf8"/> framed for the wire: prefixed with its UTF-16 length when asked.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> utf8, int utf16Length, bool trackMessageSize)
    {
        if (!trackMessageSize)
        {
            return utf8.ToArray();
        }

        Span<byte> prefix = stackalloc byte[12]; // int.MaxValue and the delimiter
        utf16Length.TryFormat(prefix, out var length, provider: CultureInfo.InvariantCulture);
        prefix[length++] = (byte)Delimiter;
        var framed = new byte[length + utf8.Length];
        prefix[..length].CopyTo(framed);
        utf8.CopyTo(framed.AsSpan(length));
        return framed;
    }

    /// <summary>Classifies an inbound text message and strips an <c>@@path@@</c> prefix.</summary>
    public static InboundKind Classify(string text, out string message)
    {
        message = text;
        if (text.StartsWith(PathDelimiter, StringComparison.Ordinal))
        {
            var end = text.IndexOf(PathDelimiter, PathDelimiter.Length, StringComparison.Ordinal);
            if (end >= 0)
            {
                message = text[(end + PathDelimiter.Length)..];
            }
        }

        var trimmed = message.AsSpan().Trim();
        if (trimmed.SequenceEqual(Padding))
        {
            return InboundKind.Heartbeat;
        }

        return trimmed.IsEmpty || trimmed.SequenceEqual("ping") ? InboundKind.Ignored : InboundKind.Message;
    }
}

using System.Text;

namespace TrackerEvents.Protocol;

/// <summary>
/// One serialised message, shared by every connection that sends it. The length-prefixed form is
/// built once for all connections that track message size: on first use, or up front in the same array
/// (<see cref="Framed"/>, what every rendered event is).
/// </summary>
internal sealed class Payload
{
    private readonly byte[] _buffer;
    private readonly int _prefixLength;
    private byte[]? _tracked;

    public Payload(byte[] utf8, PayloadKind kind = PayloadKind.Message)
    {
        _buffer = utf8;
        Kind = kind;
        Utf16Length = Encoding.UTF8.GetCharCount(utf8);
    }

    /// <summary>
    /// A message already laid out behind its length prefix (<c>&lt;length&gt;|</c> in the first
    /// <paramref name="prefixLength"/> bytes of <paramref name="framed"/>): both forms share one array,
    /// so a large batch frame is allocated once.
    /// </summary>
    public Payload(byte[] framed, int prefixLength, int utf16Length, PayloadKind kind)
    {
        _buffer = framed;
        _prefixLength = prefixLength;
        _tracked = framed;
        Kind = kind;
        Utf16Length = utf16Length;
    }

    /// <summary>
    /// <paramref name="utf8"/> copied once, behind its length prefix, into an array of the exact size: the plain
    /// and the length-prefixed form are both slices of it.
    /// </summary>
    public static Payload Framed(ReadOnlySpan<byte> utf8, PayloadKind kind = PayloadKind.Message)
    {
        var chars = Encoding.UTF8.GetCharCount(utf8);
        var framed = AtmosphereFraming.Frame(utf8, chars, trackMessageSize: true);
        return new Payload(framed, framed.Length - utf8.Length, chars, kind);
    }

    public ReadOnlyMemory<byte> Utf8 => _buffer.AsMemory(_prefixLength);

    public int Utf16Length { get; }

    public PayloadKind Kind { get; }

    /// <summary>
    /// For the event of a change: when the change was routed to its clients (a <see cref="TimeProvider"/>
    /// timestamp), so the transport can time the rest of its way; 0 for every other message. Set before
    /// the payload is shared.
    /// </summary>
    public long DispatchedAt { get; set; }

    /// <summary>The bytes to write on a connection with or without message length tracking.</summary>
    public ReadOnlyMemory<byte> For(bool trackMessageSize)
    {
        if (!trackMessageSize || Kind == PayloadKind.Padding)
        {
            return Utf8; // the reopen padding is never prefixed: atmosphere.js would deliver it as a message
        }

        return _tracked ??= AtmosphereFraming.Frame(Utf8.Span, Utf16Length, trackMessageSize: true);
    }

    public override string ToString() => Encoding.UTF8.GetString(Utf8.Span);
}

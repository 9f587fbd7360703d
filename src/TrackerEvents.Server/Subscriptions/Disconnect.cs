using System.Globalization;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// Why a connection ended or a client was dropped: every reason the server has, each with the text its log
/// line says and the label <c>/metrics</c> counts it under. A connection's end and a client's release are
/// both named here; the caller never writes a reason of its own.
/// </summary>
internal sealed record Disconnect(string Label, string Text)
{
    /// <summary>The client closed the connection (a WebSocket close frame with its status).</summary>
    public static Disconnect ClientClosed(int? status, string? description) =>
        new("client_closed", string.Create(CultureInfo.InvariantCulture, $"client closed ({status ?? 1005} {description})").TrimEnd());

    /// <summary>The connection broke (reset, aborted by the peer, a failed write).</summary>
    public static Disconnect ConnectionLost(string detail) => new("connection_lost", "connection lost: " + detail);

    public static Disconnect SendFailed(string detail) => new("connection_lost", "send failed: " + detail);

    /// <summary>The peer broke the WebSocket protocol.</summary>
    public static Disconnect ProtocolError(string detail) => new("protocol_error", "protocol error: " + detail);

    /// <summary>A write to the socket or response did not finish within the stall timeout.</summary>
    public static Disconnect Stalled(string what, TimeSpan timeout) =>
        new("slow_consumer", string.Create(CultureInfo.InvariantCulture, $"slow consumer: the {what} took no write for {timeout.TotalSeconds:0} s"));

    /// <summary>The client's outbox held this many messages that are not conflated.</summary>
    public static Disconnect QueueFull(int messages) =>
        new("slow_consumer", string.Create(CultureInfo.InvariantCulture, $"too slow: {messages} messages waiting"));

    /// <summary>A write still pending when the connection ended (the peer reads nothing).</summary>
    public static readonly Disconnect StuckWrite = new("slow_consumer", "a write did not finish after the connection ended");

    /// <summary>Nothing (message, heartbeat, request) heard from the client for the dead-peer window.</summary>
    public static Disconnect DeadPeer(TimeSpan window) =>
        new("dead_peer", string.Create(CultureInfo.InvariantCulture, $"dead peer: nothing heard from the client for {window.TotalSeconds:0} s"));

    /// <summary>An HTTP transport's client did not send its next poll or stream request in time.</summary>
    public static Disconnect NoRequest(string noun, TimeSpan timeout) =>
        new("dead_peer", string.Create(CultureInfo.InvariantCulture, $"no {noun} for {timeout.TotalSeconds:0} s"));

    public static readonly Disconnect Replaced = new("replaced", "replaced by a newer connection with the same tracking id");

    public static readonly Disconnect Shutdown = new("shutdown", "server shutting down");

    /// <summary>A fault of ours; the connection ends, the client is kept, the server carries on.</summary>
    public static Disconnect InternalError(Exception exception) => new("internal_error", "internal error: " + exception.Message);

    /// <summary>The client's retention ran out before it reconnected.</summary>
    public static readonly Disconnect RetentionExpired = new("retention_expired", "retention expired");

    /// <summary>The client asked to be closed (atmosphere.js's close request on unsubscribe).</summary>
    public static readonly Disconnect CloseRequest = new("close_request", "close request");

    /// <summary>A connection arrived for a client that had just been released.</summary>
    public static readonly Disconnect AlreadyReleased = new("close_request", "client already released");

    /// <summary>Refused: the process holds the most connections it may.</summary>
    public static readonly Disconnect ProcessFull = new("limit", "this process holds the most connections it may");

    /// <summary>Refused: the client's address holds the most connections it may.</summary>
    public static readonly Disconnect AddressFull = new("limit", "this address holds the most connections it may");

    /// <summary>Every label, so that <c>/metrics</c> lists each one from the start (at zero).</summary>
    public static IReadOnlyList<string> Labels { get; } =
        ["client_closed", "connection_lost", "protocol_error", "slow_consumer", "dead_peer", "replaced", "shutdown", "internal_error",
         "retention_expired", "close_request", "limit"];

    public override string ToString() => Text;
}

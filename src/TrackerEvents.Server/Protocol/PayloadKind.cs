namespace TrackerEvents.Protocol;

/// <summary>What a <see cref="Payload"/> is, for the outbox and the framing.</summary>
internal enum PayloadKind
{
    Message,

    /// <summary>A batch frame of one stream: at most one waits in an outbox at a time.</summary>
    Batch,

    /// <summary>The server heartbeat <c>X</c>.</summary>
    Heartbeat,

    /// <summary>Whitespace that makes atmosphere.js fire <c>onReopen</c>.</summary>
    Padding,
}

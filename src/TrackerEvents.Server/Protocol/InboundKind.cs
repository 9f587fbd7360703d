namespace TrackerEvents.Protocol;

/// <summary>What an inbound text message turned out to be.</summary>
internal enum InboundKind
{
    /// <summary>The heartbeat padding (<c>X</c>): proof of life, nothing to do.</summary>
    Heartbeat,

    /// <summary>A plain <c>ping</c> or a whitespace-only message: tolerated and ignored.</summary>
    Ignored,

    /// <summary>An application message (the <c>@@path@@</c> prefix, if any, removed).</summary>
    Message,
}

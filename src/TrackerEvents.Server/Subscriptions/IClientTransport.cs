namespace TrackerEvents.Subscriptions;

/// <summary>
/// The way a client is connected right now: a WebSocket, an HTTP long-poll or an HTTP stream. A client
/// outlives its transports: it keeps its subscriptions and undelivered messages across reconnects, and
/// transports pull from its outbox when they can write.
/// </summary>
internal interface IClientTransport
{
    /// <summary><c>websocket</c>, <c>long-polling</c> or <c>streaming</c>.</summary>
    string Name { get; }

    /// <summary>Whether this connection asked for message length tracking.</summary>
    bool TrackMessageSize { get; }

    /// <summary>Called when the client's outbox has something to send; must return quickly.</summary>
    void OnDataAvailable();

    /// <summary>
    /// As <see cref="OnDataAvailable"/>, from a caller that holds no lock and has the rest of a fan-out to do: the
    /// transport may write on the caller's thread, as far as its writes complete without waiting. The HTTP
    /// transports write from their request's own task either way.
    /// </summary>
    void WriteNow() => OnDataAvailable();

    /// <summary>Runs the transport's own timers (heartbeat, stall); returns how soon it wants to run them again.</summary>
    TimeSpan OnTimer();

    /// <summary>Ends the connection in an orderly way (WebSocket close 1001); the reason goes in its log line.</summary>
    void Close(Disconnect reason);

    /// <summary>Ends the connection now, without a goodbye (it is stuck or replaced); the reason goes in its log line.</summary>
    void Abort(Disconnect reason);
}

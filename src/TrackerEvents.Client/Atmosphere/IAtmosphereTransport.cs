namespace TrackerEvents.Client.Atmosphere;

/// <summary>One way of carrying the Atmosphere protocol: a WebSocket, or long-polling with pushes by POST.</summary>
internal interface IAtmosphereTransport : IAsyncDisposable
{
    /// <summary><c>websocket</c> or <c>long-polling</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Connects: a first connect (<paramref name="trackingId"/> null) reads and returns the handshake; a
    /// reconnect names the client by its tracking id and returns null (no handshake comes).
    /// </summary>
    /// <exception cref="TransportRefusedException">The server answered the request with an HTTP error.</exception>
    Task<Handshake?> OpenAsync(string? trackingId, CancellationToken cancellationToken);

    /// <summary>The next message (UTF-8; heartbeats and padding included), or null when the server closed the connection.</summary>
    ValueTask<byte[]?> ReceiveAsync(CancellationToken cancellationToken);

    /// <summary>Sends one message (an action, or the heartbeat padding).</summary>
    Task SendAsync(string message, CancellationToken cancellationToken);
}

namespace TrackerEvents.Client;

/// <summary>What happened to the event connection.</summary>
public enum ConnectionState
{
    /// <summary>The first connection is open.</summary>
    Connected,

    /// <summary>The connection was lost; a reconnect follows after <see cref="ConnectionChange.RetryIn"/>.</summary>
    Disconnected,

    /// <summary>Connected again, with the same tracking id; the subscriptions are sent again.</summary>
    Reconnected,

    /// <summary>The server refused the WebSocket; long-polling is used from now on.</summary>
    FellBack,
}

/// <summary>A change of the event connection, for progress reports and monitoring.</summary>
/// <param name="State">What happened.</param>
/// <param name="Transport"><c>websocket</c> or <c>long-polling</c>.</param>
/// <param name="Attempt">For <see cref="ConnectionState.Disconnected"/>: the number of reconnects tried in a row (1 for the first).</param>
/// <param name="RetryIn">For <see cref="ConnectionState.Disconnected"/>: the wait before the next try.</param>
/// <param name="Error">Why the connection ended or was refused, when known.</param>
public sealed record ConnectionChange(ConnectionState State, string Transport, int Attempt, TimeSpan? RetryIn, Exception? Error);

namespace TrackerEvents.Client;

/// <summary>The event and request type names of the Navixy WebSocket API.</summary>
public static class EventNames
{
    /// <summary><c>state</c>: one event per tracker and change.</summary>
    public const string State = "state";

    /// <summary><c>state_batch</c>: batches of states at a rate.</summary>
    public const string StateBatch = "state_batch";

    /// <summary><c>readings_batch</c>: batches of sensor readings at a rate.</summary>
    public const string ReadingsBatch = "readings_batch";

    /// <summary><c>iot_monitor</c>: the last messages' attribute values (Data Stream Analyzer).</summary>
    public const string IotMonitor = "iot_monitor";

    /// <summary><c>lifecycle</c>: a tracker blocked, unblocked or corrupted.</summary>
    public const string Lifecycle = "lifecycle";

    /// <summary><c>logout</c>: the session ended.</summary>
    public const string Logout = "logout";
}

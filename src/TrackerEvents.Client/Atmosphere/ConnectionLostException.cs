namespace TrackerEvents.Client.Atmosphere;

/// <summary>The connection an action went out on ended before its answer came; the action is sent again once reconnected.</summary>
internal sealed class ConnectionLostException() : Exception("The connection ended before the answer came");

namespace TrackerEvents.Client.Atmosphere;

/// <summary>A transport was refused with an HTTP status (a WebSocket upgrade answered 501, a proxy's 400, ...).</summary>
internal sealed class TransportRefusedException(string transport, int status)
    : Exception($"The server refused the {transport} transport with HTTP {status}")
{
    public int Status { get; } = status;
}

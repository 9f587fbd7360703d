using System.Globalization;

namespace TrackerEvents.Client.Atmosphere;

/// <summary>
/// The first message of a first connect: <c>&lt;tracking id&gt;|&lt;client heartbeat ms&gt;|&lt;padding&gt;|</c>
/// (Navixy: <c>b623a15d-9623-4fd8-a9d3-697036635c29|30000|X|</c>). The tracking id names the client on every
/// reconnect; the client sends the padding as its heartbeat every interval (0: never).
/// </summary>
internal sealed record Handshake(string TrackingId, TimeSpan HeartbeatInterval, string Padding)
{
    public const string DefaultPadding = "X";

    public static bool TryParse(string message, out Handshake handshake)
    {
        handshake = null!;
        var parts = message.Trim().Split('|');
        if (parts.Length < 3 || parts[0].Length == 0 || parts[0].Contains('{', StringComparison.Ordinal)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
        {
            return false;
        }

        handshake = new Handshake(parts[0], TimeSpan.FromMilliseconds(milliseconds), parts[2].Length > 0 ? parts[2] : DefaultPadding);
        return true;
    }
}

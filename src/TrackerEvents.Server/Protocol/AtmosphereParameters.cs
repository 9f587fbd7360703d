namespace TrackerEvents.Protocol;

/// <summary>
/// The Atmosphere parameters of a request. atmosphere.js sends them in the query string (real
/// headers are the fallback); names are matched case-insensitively and values are taken as the
/// framework decoded them (the websocket URL carries <c>Content-Type</c> unencoded).
/// </summary>
internal sealed record AtmosphereParameters(
    string? TrackingId,
    string Transport,
    bool TrackMessageSize,
    bool Protocol,
    int? HeartbeatServerSeconds,
    string? Framework,
    string? ContentType)
{
    public const string TrackingIdName = "X-Atmosphere-tracking-id";
    public const string TransportName = "X-Atmosphere-Transport";
    public const string TrackMessageSizeName = "X-Atmosphere-TrackMessageSize";
    public const string ProtocolName = "X-atmo-protocol";
    public const string HeartbeatServerName = "X-Heartbeat-Server";
    public const string FrameworkName = "X-Atmosphere-Framework";

    /// <summary>A first connect: no tracking id yet (missing or <c>0</c>).</summary>
    public bool IsFirstConnect => TrackingId is null;

    public bool IsClose => string.Equals(Transport, "close", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads the parameters; <paramref name="query"/> wins over <paramref name="headers"/>.</summary>
    public static AtmosphereParameters Parse(IEnumerable<KeyValuePair<string, string>> query, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            values[name] = value;
        }

        foreach (var (name, value) in query)
        {
            values[name] = value;
        }

        var trackingId = Get(values, TrackingIdName)?.Trim();
        var heartbeat = int.TryParse(Get(values, HeartbeatServerName), System.Globalization.NumberStyles.Integer,
            System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 ? seconds : (int?)null;
        return new AtmosphereParameters(
            TrackingId: string.IsNullOrEmpty(trackingId) || trackingId == "0" ? null : trackingId,
            Transport: Get(values, TransportName)?.Trim().ToLowerInvariant() ?? "",
            TrackMessageSize: IsTrue(Get(values, TrackMessageSizeName)),
            Protocol: IsTrue(Get(values, ProtocolName)),
            HeartbeatServerSeconds: heartbeat,
            Framework: Get(values, FrameworkName),
            ContentType: Get(values, "Content-Type"));
    }

    private static string? Get(Dictionary<string, string> values, string name) => values.GetValueOrDefault(name);

    private static bool IsTrue(string? value) => string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
}

namespace TrackerEvents.Protocol;

/// <summary>The Atmosphere transport names this server knows.</summary>
public static class AtmosphereTransports
{
    public const string WebSocket = "websocket";
    public const string LongPolling = "long-polling";
    public const string Streaming = "streaming";

    /// <summary>Push by POST on the HTTP transports.</summary>
    public const string Polling = "polling";

    public static IReadOnlyList<string> All { get; } = [WebSocket, LongPolling, Streaming];

    /// <summary>The names in a comma- or space-separated list, lower-cased.</summary>
    public static IReadOnlySet<string> Parse(string? list) =>
        (list ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
}

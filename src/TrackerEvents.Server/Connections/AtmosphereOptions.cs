using System.ComponentModel.DataAnnotations;
using TrackerEvents.Protocol;

namespace TrackerEvents.Connections;

/// <summary>Section <c>Atmosphere</c>: the event endpoint's protocol timings and limits.</summary>
public sealed class AtmosphereOptions : IValidatableObject
{
    /// <summary>A server heartbeat (<c>X</c>) goes out after this long without any write. Default 25 s; zero turns it off.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ServerHeartbeat { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>How often clients are told (in the handshake) to send heartbeats. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ClientHeartbeat { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A peer that answers nothing (no message, heartbeat or pong) for this many client heartbeat
    /// intervals is closed. Default 3.
    /// </summary>
    [Range(2, 100)]
    public int DeadPeerIntervals { get; set; } = 3;

    /// <summary>How long a dropped client's subscriptions and undelivered changes are kept for its reconnect. Default 60 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A client whose socket has not taken a write for this long is closed. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest inbound message, in bytes, before error 9. Default 64 KiB.</summary>
    [Range(256, 16 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>Actions one connection may send per second before error 15. Default 20.</summary>
    [Range(1, 10_000)]
    public int MaxActionsPerSecond { get; set; } = 20;

    /// <summary>Connections (WebSocket or HTTP) one process holds; past it new ones are refused. Default 18,000 (below the 20,000 descriptors a process may open here).</summary>
    [Range(1, 1_000_000)]
    public int MaxConnections { get; set; } = 18_000;

    /// <summary>
    /// Connections one client address may hold in this process (behind a proxy in
    /// <c>Hosting:KnownProxies</c>, the address it forwards). Past it new ones get 429. Default 2,000.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxConnectionsPerAddress { get; set; } = 2_000;

    /// <summary>Connections that may act for one user at a time. Default 1,000.</summary>
    [Range(1, 1_000_000)]
    public int MaxConnectionsPerUser { get; set; } = 1_000;

    /// <summary>Requests in one subscribe or unsubscribe message before error 7. Default 16.</summary>
    [Range(1, 1_000)]
    public int MaxRequestsPerMessage { get; set; } = 16;

    /// <summary>Tracker subscriptions (over all request types) one connection may hold. Default 20,000.</summary>
    [Range(1, 1_000_000)]
    public int MaxTrackersPerConnection { get; set; } = 20_000;

    /// <summary>Responses, errors and events (other than conflated states) waiting for one client before it is closed as too slow. Default 1,000.</summary>
    [Range(10, 1_000_000)]
    public int MaxQueuedMessages { get; set; } = 1_000;

    /// <summary>Browser origins allowed to open the WebSocket (empty: any, for non-browser clients). Against cross-site WebSocket hijacking.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// The transports served, comma-separated: <c>websocket</c>, <c>long-polling</c>, <c>streaming</c> (default all).
    /// Turning <c>websocket</c> off (behind a proxy that breaks upgrades) refuses upgrades with 501, and
    /// atmosphere.js falls back to its <c>fallbackTransport</c>. POST push is served with either HTTP transport.
    /// </summary>
    public string Transports { get; set; } = string.Join(", ", AtmosphereTransports.All);

    /// <summary>
    /// Batch frames (<c>state_batch</c>, <c>readings_batch</c>, <c>iot_monitor</c>) go out at one of this many
    /// evenly spaced points of each <c>rate_limit</c> period, by connection: connections of one point that took
    /// the same changes share a frame, and a period's frames do not all leave at once. Default 10; 1 puts every
    /// connection on the same points (one frame for all of them, sent in one burst).
    /// </summary>
    [Range(1, 100)]
    public int BatchPhases { get; set; } = 10;

    /// <summary>The limits every client obeys.</summary>
    internal Subscriptions.ClientLimits ClientLimits() =>
        new(Retention, MaxQueuedMessages, MaxActionsPerSecond, MaxTrackersPerConnection, MaxConnectionsPerUser, BatchPhases);

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        var names = AtmosphereTransports.Parse(Transports);
        if (names.Count == 0 || names.Any(n => !AtmosphereTransports.All.Contains(n)))
        {
            yield return new ValidationResult(
                $"Atmosphere:Transports must list one or more of {string.Join(", ", AtmosphereTransports.All)} (got '{Transports}').",
                [nameof(Transports)]);
        }
    }
}

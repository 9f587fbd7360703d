using Microsoft.Extensions.Logging;

namespace TrackerEvents.Client;

/// <summary>Where the API is, how to authenticate, and how the event connection behaves.</summary>
public sealed record TrackerEventsClientOptions
{
    /// <summary>
    /// The API base URL, e.g. <c>https://api.eu.navixy.com/v2/</c> or <c>http://localhost:8080/v2/</c>. Methods
    /// are called below it (<c>user/auth</c>), and events come from <c>event/subscription</c> below it.
    /// </summary>
    public required Uri ApiUrl { get; init; }

    /// <summary>A login and password, or a hash (API key).</summary>
    public required Credentials Credentials { get; init; }

    /// <summary>
    /// Called when the hash is no longer accepted (error 3 or 4, or a <c>logout</c> event) and the credentials
    /// are a hash: return a new hash to carry on, or throw to give up. Not needed with a login and password,
    /// where the client calls <c>user/auth</c> again.
    /// </summary>
    public Func<CancellationToken, ValueTask<string>>? RenewHash { get; init; }

    /// <summary>The HTTP client for API calls and the long-polling transport (default: one of the client's own).</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>Logs connects, reconnects and failures (default: none).</summary>
    public ILogger? Logger { get; init; }

    /// <summary>The clock for heartbeats, dead-peer detection and reconnect waits.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The waits between reconnects.</summary>
    public ReconnectPolicy Reconnect { get; init; } = new();

    /// <summary>
    /// A connection on which nothing at all arrives for this long (no event, no heartbeat) is taken as dead,
    /// closed and reconnected (default 90 s: servers send a heartbeat after 25–60 s of silence).
    /// </summary>
    public TimeSpan DeadPeerTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>How long an action (subscribe, unsubscribe) waits for its answer (default 30 s).</summary>
    public TimeSpan ActionTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Events kept for a consumer that reads slower than they arrive, besides states: states are kept as the
    /// latest per tracker (and batches merged), whatever the number; past this many other events the oldest
    /// is dropped and counted (<see cref="EventSubscription.DroppedEvents"/>). Default 10,000.
    /// </summary>
    public int EventBufferCapacity { get; init; } = 10_000;

    /// <summary>Use long-polling when a WebSocket cannot be opened (default true).</summary>
    public bool LongPollingFallback { get; init; } = true;

    /// <summary>Start with long-polling and never try a WebSocket (default false).</summary>
    public bool LongPollingOnly { get; init; }

    internal Uri SubscriptionUrl => new(WithSlash(ApiUrl), "event/subscription");

    internal static Uri WithSlash(Uri url) => url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
}

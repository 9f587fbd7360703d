using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Protocol;

/// <summary>
/// A server with a user "fleet" (trackers A, B and a blocked one, each with a state), another user's
/// tracker (Foreign), and a session hash of "fleet".
/// </summary>
internal sealed class Fleet : IAsyncDisposable
{
    public required RunningServer Server { get; init; }
    public required string Hash { get; init; }
    public required long UserId { get; init; }
    public required long A { get; init; }
    public required long SourceA { get; init; }
    public required long B { get; init; }
    public required long SourceB { get; init; }
    public required long Blocked { get; init; }
    public required long Foreign { get; init; }

    /// <summary>The subscription endpoint, for the real atmosphere.js clients.</summary>
    public Uri Url => new(Server.BaseAddress, "/v2/event/subscription");

    public static Task<Fleet> StartAsync(params string[] settings) => StartCoreAsync("UTC", null, settings);

    public static Task<Fleet> StartAsync(ManualClock clock, params string[] settings) => StartCoreAsync("UTC", clock, settings);

    /// <summary>The fleet's user lives in <paramref name="timeZone"/>.</summary>
    public static Task<Fleet> StartInZoneAsync(string timeZone) => StartCoreAsync(timeZone, null);

    private static async Task<Fleet> StartCoreAsync(string timeZone, ManualClock? clock, params string[] settings)
    {
        var server = await RunningServer.StartAsync(clock, settings);
        var user = await server.CreateUserAsync("fleet", timeZone: timeZone);
        await server.CreateUserAsync("other");
        var (a, sourceA) = await server.CreateTrackerAsync("fleet", "Van A");
        var (b, sourceB) = await server.CreateTrackerAsync("fleet", "Van B");
        var (blocked, _) = await server.CreateTrackerAsync("fleet", "Van Blocked");
        var (foreign, _) = await server.CreateTrackerAsync("other", "Someone else's van");
        (await server.IngestStatesAsync(
            new { tracker_id = a, gps = new { speed = 10, updated = "2025-10-08T14:30:00Z" } },
            new { tracker_id = b, gps = new { speed = 20 } },
            new { tracker_id = blocked, gps = new { speed = 30 } },
            new { tracker_id = foreign, gps = new { speed = 40 } })).ShouldSucceed();
        (await server.AdminAsync("/admin/trackers/block", new { tracker_id = blocked })).ShouldSucceed();
        return new Fleet
        {
            Server = server,
            Hash = await server.LoginAsync("fleet"),
            UserId = user,
            A = a,
            SourceA = sourceA,
            B = b,
            SourceB = sourceB,
            Blocked = blocked,
            Foreign = foreign,
        };
    }

    /// <summary>A raw WebSocket that has read its handshake.</summary>
    public async Task<AtmosphereSocket> ConnectAsync(bool trackMessageSize = false)
    {
        var socket = await AtmosphereSocket.ConnectAsync(Server, trackMessageSize: trackMessageSize);
        await socket.ReadHandshakeAsync();
        return socket;
    }

    /// <summary>A long-polling client that has polled its handshake, subscribed to <c>state</c> of <see cref="A"/> and read the snapshot.</summary>
    public async Task<LongPoller> PollingOnAAsync(bool trackMessageSize)
    {
        var poller = new LongPoller(Server.Http, trackMessageSize);
        await poller.HandshakePollAsync();
        await AtmosphereHttp.SubscribeAsync(Server.Http, poller.TrackingId!, Hash, new { type = "state", trackers = new[] { A } });
        await poller.NextEventAsync("state");
        return poller;
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

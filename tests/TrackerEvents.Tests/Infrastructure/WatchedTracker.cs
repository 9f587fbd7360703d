namespace TrackerEvents.Tests.Infrastructure;

/// <summary>
/// A server on a given engine with one user ("alice") and one tracker, which one socket watches
/// (<c>state</c>) and whose snapshot it has already read: the next state event is a change.
/// </summary>
internal sealed class WatchedTracker : IAsyncDisposable
{
    private WatchedTracker(RunningServer server, long tracker, AtmosphereSocket socket) => (Server, Tracker, Socket) = (server, tracker, socket);

    public RunningServer Server { get; }

    public long Tracker { get; }

    public AtmosphereSocket Socket { get; }

    public static async Task<WatchedTracker> StartAsync(Engine engine, params string[] settings)
    {
        var server = await RunningServer.StartAsync(engine, settings);
        AtmosphereSocket? socket = null;
        try
        {
            await server.CreateUserAsync("alice");
            var (tracker, _) = await server.CreateTrackerAsync("alice", "A");
            socket = await AtmosphereSocket.ConnectAsync(server);
            await socket.ReadHandshakeAsync();
            await socket.SubscribeAsync(await server.LoginAsync("alice"), new { type = "state", trackers = new[] { tracker } });
            await socket.NextEventAsync("state");
            return new WatchedTracker(server, tracker, socket);
        }
        catch
        {
            if (socket is not null)
            {
                await socket.DisposeAsync();
            }

            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Socket.DisposeAsync();
        await Server.DisposeAsync();
    }
}

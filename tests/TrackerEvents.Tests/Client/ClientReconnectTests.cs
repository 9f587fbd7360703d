using System.Net;
using System.Net.Sockets;
using TrackerEvents.Client;
using TrackerEvents.Tests.Infrastructure;
using TrackerEvents.Tests.Protocol;

namespace TrackerEvents.Tests.Client;

/// <summary>The connection is lost (the network, a restart): the client comes back by itself and the consumer misses no latest state.</summary>
public sealed class ClientReconnectTests
{
    [Fact]
    public async Task AfterADrop_TheClientReconnectsWithItsTrackingId_AndGetsTheLatestStateWrittenMeanwhile()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var proxy = new TcpProxy("127.0.0.1", fleet.Server.BaseAddress.Port);
        var viaProxy = new Uri($"http://127.0.0.1:{proxy.Port}");
        await using var client = new TrackerEventsClient(TestClients.Options(viaProxy, Credentials.Password("fleet", TestClients.Password)));
        await using var subscription = await client.SubscribeAsync([SubscriptionRequest.State([fleet.A])]);
        var changes = new List<ConnectionChange>();
        subscription.ConnectionChanged += (_, change) => { lock (changes) { changes.Add(change); } };
        await using var events = new EventReader(subscription);
        await events.NextAsync<StateEvent>();
        var trackingId = subscription.TrackingId;

        proxy.Cut();
        await Eventually.Until(() => Task.FromResult(Changes().Any(c => c.State == ConnectionState.Disconnected)), TimeSpan.FromSeconds(10),
            "the client to notice the drop");
        (await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 31 } })).ShouldSucceed();
        (await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 32 } })).ShouldSucceed();
        proxy.Restore();

        (await events.NextAsync<StateEvent>(e => e.State.Speed() == 32, TimeSpan.FromSeconds(20))).State.SourceId.Should().Be(fleet.SourceA);
        Changes().Should().Contain(c => c.State == ConnectionState.Reconnected);
        subscription.TrackingId.Should().Be(trackingId, "a reconnect names the same client");
        (await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 33 } })).ShouldSucceed();
        await events.NextAsync<StateEvent>(e => e.State.Speed() == 33);

        List<ConnectionChange> Changes()
        {
            lock (changes)
            {
                return [.. changes];
            }
        }
    }

    [Fact]
    public async Task AfterAServerRestart_TheClientSubscribesAgain_AndGetsASnapshot()
    {
        await using var database = await TestDatabase.CreateAsync(Engine.Sqlite);
        var url = $"urls=http://127.0.0.1:{FreePort()}";
        long tracker;
        var first = await RunningServer.StartOnAsync(database, url);
        await using (first)
        {
            await first.CreateUserAsync("fleet");
            (tracker, _) = await first.CreateTrackerAsync("fleet");
            (await first.IngestStatesAsync(new { tracker_id = tracker, gps = new { speed = 5 } })).ShouldSucceed();
        }

        await using var server = await RunningServer.StartOnAsync(database, url);
        await using var client = new TrackerEventsClient(TestClients.Options(server.BaseAddress, Credentials.Password("fleet", TestClients.Password)));
        await using var subscription = await client.SubscribeAsync([SubscriptionRequest.StateBatch(SubscriptionTarget.All, rateLimit: "200ms")]);
        await using var events = new EventReader(subscription);
        await events.NextAsync<StateBatchEvent>();

        await server.App.StopAsync();
        await server.App.DisposeAsync();
        await using var restarted = await RunningServer.StartOnAsync(database, url);

        (await events.NextAsync<StateBatchEvent>(b => b.States.Any(s => s.Speed() == 5), TimeSpan.FromSeconds(30))).States.Should().ContainSingle();
        (await restarted.IngestStatesAsync(new { tracker_id = tracker, gps = new { speed = 6 } })).ShouldSucceed();
        await events.NextAsync<StateBatchEvent>(b => b.States.Any(s => s.Speed() == 6));
    }

    [Fact]
    public async Task ASilentConnection_IsTakenAsDead_AndReplaced()
    {
        // The server's heartbeats are off, and nothing changes: past the dead-peer timeout the client reconnects.
        await using var fleet = await Fleet.StartAsync("Atmosphere:ServerHeartbeat=00:00:00");
        await using var client = new TrackerEventsClient(TestClients.Options(fleet.Server.BaseAddress, Credentials.Password("fleet", TestClients.Password))
            with { DeadPeerTimeout = TimeSpan.FromMilliseconds(1500) });
        await using var subscription = await client.SubscribeAsync([SubscriptionRequest.State([fleet.A])]);
        var lost = new TaskCompletionSource<ConnectionChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        subscription.ConnectionChanged += (_, change) =>
        {
            if (change.State == ConnectionState.Disconnected)
            {
                lost.TrySetResult(change);
            }
        };

        var change = await lost.Task.WaitAsync(TimeSpan.FromSeconds(15));

        change.Error.Should().BeOfType<TimeoutException>().Which.Message.Should().Contain("taken as dead");
    }

    [Fact]
    public async Task TheClient_SendsTheHeartbeatTheHandshakeAsksFor_SoTheServerHearsFromIt()
    {
        // Told to beat every second, a client silent for 2 s is a dead peer to the server. Over a WebSocket the
        // client's answers to the server's pings count too, so this is shown on long-polling, where a poll is held
        // (no server heartbeat) and only the heartbeat POSTs are heard; the server counts each dead peer it ends.
        await using var fleet = await Fleet.StartAsync("Atmosphere:ClientHeartbeat=00:00:01", "Atmosphere:DeadPeerIntervals=2", "Atmosphere:ServerHeartbeat=00:00:00");
        await using var client = new TrackerEventsClient(
            TestClients.Options(fleet.Server.BaseAddress, Credentials.Password("fleet", TestClients.Password)) with { LongPollingOnly = true });
        await using var subscription = await client.SubscribeAsync([SubscriptionRequest.State([fleet.A])]);
        await using var events = new EventReader(subscription);
        await events.NextAsync<StateEvent>();

        await Task.Delay(TimeSpan.FromSeconds(5)); // the window in which a silent client would have been ended twice over

        fleet.Server.Service<TrackerEvents.Subscriptions.ConnectionMetrics>().Disconnects.GetValueOrDefault("dead_peer").Should().Be(0);
        (await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 3 } })).ShouldSucceed();
        await events.NextAsync<StateEvent>(e => e.State.Speed() == 3);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

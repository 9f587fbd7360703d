using System.Net;
using Dapper;
using Npgsql;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Store;

/// <summary>
/// The database goes away under a running node and comes back. A TCP proxy in front of PostgreSQL cuts
/// every connection and refuses new ones — what the node sees when PostgreSQL stops — without stopping
/// the server the other tests share.
/// </summary>
public sealed class DatabaseFaultTests
{
    [Theory, EngineData(Engine.Postgres)]
    public async Task DuringAnOutage_ClientsStayConnected_CallsFailFastWith14_AndAfterItNothingIsLost(Engine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var proxy = ProxyFor(database);
        await using var server = await StartBehindAsync(proxy, database, "Atmosphere:ServerHeartbeat=00:00:01", "Store:SafetyPollInterval=00:00:00.200");
        await server.CreateUserAsync("ops");
        var (tracker, _) = await server.CreateTrackerAsync("ops");
        (await server.IngestStatesAsync(new { tracker_id = tracker, gps = new { speed = 1 } })).ShouldSucceed();
        var hash = await server.LoginAsync("ops");
        await using var socket = await AtmosphereSocket.ConnectAsync(server);
        await socket.ReadHandshakeAsync();
        await socket.SubscribeAsync(hash, new { type = "state", trackers = new[] { tracker } });
        await socket.NextEventAsync("state");

        proxy.Cut();

        var started = DateTime.UtcNow;
        (await server.CallAsync("tracker/list", new { hash })).ShouldFail(14, HttpStatusCode.ServiceUnavailable);
        (DateTime.UtcNow - started).Should().BeLessThan(TimeSpan.FromSeconds(5), "a call fails fast instead of hanging");
        (await server.IngestStatesAsync(new { tracker_id = tracker, gps = new { speed = 2 } })).ShouldFail(14, HttpStatusCode.ServiceUnavailable);
        (await server.Http.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        await socket.SendJsonAsync(new { action = "subscribe", hash, requests = new[] { new { type = "state", trackers = new[] { tracker } } } });
        (await socket.NextMessageAsync()).GetProperty("status").GetProperty("code").GetInt32().Should().Be(14);
        (await socket.NextFrameAsync(TimeSpan.FromSeconds(5))).Text.Should().Be("X", "the connection lives on: heartbeats keep coming");
        await Eventually.Until(async () => (await server.Http.GetStringAsync("/metrics")).Contains("\ntrackerevents_change_listener_up 0\n", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "/metrics to show the change listener down");

        // Another system writes while this node cannot reach the database.
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.ExecuteAsync("UPDATE tracker_states SET state = jsonb_set(state::jsonb, '{gps,speed}', '33')::text WHERE tracker_id = @Id",
                new { Id = tracker });
        }

        proxy.Restore();

        (await socket.NextEventAsync("state", TimeSpan.FromSeconds(15))).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32()
            .Should().Be(33, "the node catches up from its watermark");
        await Eventually.Until(async () => (await server.Http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(10), "ready again");
        await Eventually.Until(async () => (await server.Http.GetStringAsync("/metrics")).Contains("\ntrackerevents_change_listener_up 1\n", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "/metrics to show the change listener up again");
        (await server.IngestStatesAsync(new { tracker_id = tracker, gps = new { speed = 44 } })).ShouldSucceed();
        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(44);
    }

    [Theory, EngineData(Engine.Postgres)]
    public async Task AChangeCommittedWhileTheListenerWasAway_IsDelivered_WhenItComesBack_WithoutASafetyPoll(Engine engine)
    {
        // The listener, back, announces how far the versions went while it was away, and the node reads them; the
        // first read after the outage may fail on a pooled connection the outage broke, and is tried again within
        // a second. The safety poll is ten minutes away, so nothing else would read.
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var proxy = ProxyFor(database);
        await using var server = await StartBehindAsync(proxy, database, "Store:SafetyPollInterval=00:10:00");
        await server.CreateUserAsync("ops");
        var (tracker, _) = await server.CreateTrackerAsync("ops");
        await using var socket = await AtmosphereSocket.ConnectAsync(server);
        await socket.ReadHandshakeAsync();
        await socket.SubscribeAsync(await server.LoginAsync("ops"), new { type = "state", trackers = new[] { tracker } });
        await socket.NextEventAsync("state");

        proxy.Cut();
        await Eventually.Until(async () => (await server.Http.GetStringAsync("/metrics")).Contains("\ntrackerevents_change_listener_up 0\n", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the change listener to be away");
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.ExecuteAsync("UPDATE tracker_states SET state = @State WHERE tracker_id = @Id",
                new { State = """{"battery_level":12,"connection_status":"active"}""", Id = tracker });
        }

        proxy.Restore();

        (await socket.NextEventAsync("state", TimeSpan.FromSeconds(15))).GetProperty("data").GetProperty("battery_level").GetInt32()
            .Should().Be(12, "the listener's announcement on its return made the node read the change");
    }

    [Theory, EngineData(Engine.Postgres)]
    public async Task PointsOfADeviceNotYetLookedUp_DuringAnOutage_AreRefusedWith503_AndSentAgainAfterItAreStored(Engine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var proxy = ProxyFor(database);
        await using var server = await StartBehindAsync(proxy, database);
        await server.CreateUserAsync("phones");
        var device = RunningServer.NewDeviceId();
        var tracker = (await server.AdminAsync("/admin/trackers", new { login = "phones", label = "P", device_id = device, model = "osmand" }))
            .ShouldSucceed()["id"].GetInt64();

        proxy.Cut();

        // The device's points wait for one look-up of its tracker, which fails: each of them is refused, none hangs.
        var during = await Task.WhenAll(Enumerable.Range(1, 5).Select(n => server.Devices!.GetAsync($"/?id={device}&lat=52.{n}&lon=4.9")))
            .WaitAsync(TimeSpan.FromSeconds(30));
        during.Should().AllSatisfy(a => a.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable));

        proxy.Restore();

        // A device sends a refused point again; the failed look-up is not what it finds then.
        await Eventually.Until(async () => (await server.Devices!.GetAsync($"/?id={device}&lat=53&lon=5")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(15), "the point sent again to be stored");
        var hash = await server.LoginAsync("phones");
        (await server.CallAsync("tracker/get_state", new { hash, tracker_id = tracker })).ShouldSucceed()["state"]
            .GetProperty("gps").GetProperty("location").GetProperty("lat").GetDouble().Should().Be(53);
    }

    private static TcpProxy ProxyFor(TestDatabase database)
    {
        var direct = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        return new TcpProxy(direct.Host!, direct.Port);
    }

    /// <summary>A node whose every connection to the database goes through the proxy; the test's own go direct.</summary>
    private static Task<RunningServer> StartBehindAsync(TcpProxy proxy, TestDatabase database, params string[] settings)
    {
        var viaProxy = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port };
        viaProxy.Remove("Timeout"); // the server's fail-fast default, not the test databases' longer one
        return RunningServer.StartAsync(["Store:Provider=Postgres", $"ConnectionStrings:Tracker={viaProxy}", .. settings]);
    }
}

using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Protocol;

public sealed class SmokeTests
{
    [Fact]
    public async Task Subscribe_State_GetsResponseSnapshotAndLiveEvents()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("sam");
        var (id, source) = await server.CreateTrackerAsync("sam");
        await server.IngestStatesAsync(new { tracker_id = id, gps = new { speed = 5 } });
        var hash = await server.LoginAsync("sam");
        await using var socket = await AtmosphereSocket.ConnectAsync(server);
        var handshake = await socket.ReadHandshakeAsync();
        handshake.Should().MatchRegex("^[0-9a-f-]{36}\\|30000\\|X\\|$");

        var response = await socket.SubscribeAsync(hash, new { type = "state", trackers = new[] { id, 999 } });
        response.GetProperty("type").GetString().Should().Be("response");
        var snapshot = await socket.NextEventAsync("state");
        snapshot.GetProperty("data").GetProperty("source_id").GetInt64().Should().Be(source);
        snapshot.GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(5);

        await server.IngestStatesAsync(new { tracker_id = id, gps = new { speed = 77 } });
        var live = await socket.NextEventAsync("state");
        live.GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(77);
    }
}

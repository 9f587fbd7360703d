using System.Text.Json;
using TrackerEvents.Connections;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Protocol;

public sealed class SlowConsumerTests
{
    [Fact]
    public async Task AClientThatStopsReading_IsClosedWithALoggedReason_AndNeverDelaysTheOthers()
    {
        await using var server = await RunningServer.StartAsync("Atmosphere:StallTimeout=00:00:01", "Logging:LogLevel:TrackerEvents=Information");
        await server.CreateUserAsync("busy");
        var trackers = new List<long>();
        for (var i = 0; i < 40; i++)
        {
            trackers.Add((await server.CreateTrackerAsync("busy", $"Truck {i}")).Id);
        }

        var hash = await server.LoginAsync("busy");
        var subscribe = JsonSerializer.Serialize(new { action = "subscribe", hash, requests = new[] { new { type = "state", trackers } } });
        using var stalled = await RawWebSocket.ConnectAsync(server.BaseAddress,
            "X-Atmosphere-tracking-id=0&X-Atmosphere-Transport=websocket&X-atmo-protocol=true", receiveBufferBytes: 4096);
        await stalled.SendTextAsync(subscribe);
        await using var healthy = await AtmosphereSocket.ConnectAsync(server);
        await healthy.ReadHandshakeAsync();
        await healthy.SendAsync(subscribe);
        await healthy.NextMessageAsync();
        for (var i = 0; i < trackers.Count; i++)
        {
            await healthy.NextEventAsync("state");
        }

        // Each round writes 40 states of ~100 KB: far more than the socket buffers of a client that reads nothing.
        var registry = server.Service<ClientRegistry>();
        for (var round = 1; round <= 5; round++)
        {
            var filler = new string((char)('a' + round), 100_000);
            (await server.IngestStatesAsync(trackers.Select(id => (object)new { tracker_id = id, gps = new { speed = round }, additional = new { filler } }).ToArray()))
                .ShouldSucceed();
            var seen = new HashSet<long>();
            var started = DateTime.UtcNow;
            while (seen.Count < trackers.Count)
            {
                var state = await healthy.NextEventAsync("state", TimeSpan.FromSeconds(5));
                if (state.GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32() == round)
                {
                    seen.Add(state.GetProperty("data").GetProperty("source_id").GetInt64());
                }
            }

            (DateTime.UtcNow - started).Should().BeLessThan(TimeSpan.FromSeconds(5), "the stalled client must not hold the others up");
        }

        var logs = Path.Combine(server.Directory, "logs");
        await Eventually.Until(() => Task.FromResult(Directory.Exists(logs) && Directory.GetFiles(logs).Any(f => ReadShared(f).Contains("slow consumer"))),
            TimeSpan.FromSeconds(10), "the stalled connection to be closed with a logged reason");
        (await stalled.ServerClosesWithinAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

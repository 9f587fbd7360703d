using System.Text.Json;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Devices;

/// <summary>
/// A server with its device listener on a free loopback port, a user "phones" with two trackers whose
/// devices report to it (A and B, with their device ids), and a session hash of "phones".
/// </summary>
internal sealed class DeviceFleet : IAsyncDisposable
{
    public required RunningServer Server { get; init; }
    public required string Hash { get; init; }
    public required long A { get; init; }
    public required long SourceA { get; init; }
    public required string DeviceA { get; init; }
    public required long B { get; init; }
    public required long SourceB { get; init; }
    public required string DeviceB { get; init; }

    public Uri Devices => Server.DeviceAddress!;

    /// <summary>The Host header a device would send to this listener.</summary>
    public string Host => $"{Devices.Host}:{Devices.Port}";

    public static Task<DeviceFleet> StartAsync(params string[] settings) => StartAsync((ManualClock?)null, settings);

    public static async Task<DeviceFleet> StartAsync(ManualClock? clock, params string[] settings) =>
        await SetUpAsync(await RunningServer.StartAsync(clock, settings));

    /// <summary>A fleet on a server of its own over <paramref name="database"/> (the caller disposes the database).</summary>
    public static async Task<DeviceFleet> StartOnAsync(TestDatabase database, ManualClock? clock = null, params string[] settings) =>
        await SetUpAsync(await RunningServer.StartOnAsync(database, clock, settings));

    /// <summary>The fleet's user and trackers as another server over the same store sees them.</summary>
    public async Task<DeviceFleet> OnAsync(RunningServer server) => new()
    {
        Server = server, Hash = await server.LoginAsync("phones"), A = A, SourceA = SourceA, DeviceA = DeviceA, B = B, SourceB = SourceB, DeviceB = DeviceB,
    };

    private static async Task<DeviceFleet> SetUpAsync(RunningServer server)
    {
        try
        {
            await server.CreateUserAsync("phones");

            var (a, sourceA, deviceA) = await TrackerAsync(server, "Phone A");
            var (b, sourceB, deviceB) = await TrackerAsync(server, "Phone B");
            return new DeviceFleet
            {
                Server = server, Hash = await server.LoginAsync("phones"),
                A = a, SourceA = sourceA, DeviceA = deviceA, B = b, SourceB = sourceB, DeviceB = deviceB,
            };
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private static async Task<(long Id, long SourceId, string DeviceId)> TrackerAsync(RunningServer server, string label)
    {
        var deviceId = RunningServer.NewDeviceId();
        var answer = (await server.AdminAsync("/admin/trackers", new { login = "phones", label, device_id = deviceId, model = "osmand" })).ShouldSucceed();
        return (answer["id"].GetInt64(), answer["source_id"].GetInt64(), deviceId);
    }

    /// <summary>GET <c>/?{query}</c> on the device listener, as the OsmAnd app sends it.</summary>
    public Task<RawAnswer> ReportAsync(string query) => RawHttp.SendOnceAsync(Devices,
        $"GET /?{query} HTTP/1.1\r\nUser-Agent: OsmAnd~\r\nHost: {Host}\r\nConnection: Keep-Alive\r\nAccept-Encoding: gzip\r\n\r\n");

    /// <summary>The tracker's state through the API, dates in ISO form (UTC: the user's zone).</summary>
    public async Task<JsonElement> StateAsync(long trackerId) =>
        (await Server.CallAsync("tracker/get_state", new { hash = Hash, tracker_id = trackerId, iso_datetime = true })).ShouldSucceed()["state"];

    /// <summary>A raw WebSocket subscribed to the state of the given trackers, past their snapshots.</summary>
    public async Task<AtmosphereSocket> SubscribeAsync(params long[] trackers)
    {
        var socket = await AtmosphereSocket.ConnectAsync(Server);
        await socket.ReadHandshakeAsync();
        await socket.SubscribeAsync(Hash, new { type = "state", trackers });
        foreach (var _ in trackers)
        {
            await socket.NextEventAsync("state");
        }

        return socket;
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

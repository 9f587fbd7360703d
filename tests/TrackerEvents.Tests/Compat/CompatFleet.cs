using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Compat;

/// <summary>A server with one user, two trackers that have a state, and a session hash, for the real atmosphere.js clients.</summary>
internal sealed class CompatFleet : IAsyncDisposable
{
    public required RunningServer Server { get; init; }
    public required string Hash { get; init; }
    public required long A { get; init; }
    public Uri Url => new(Server.BaseAddress, "/v2/event/subscription");

    public static async Task<CompatFleet> StartAsync(params string[] settings)
    {
        var server = await RunningServer.StartAsync(settings);
        await server.CreateUserAsync("fleet");
        var (a, _) = await server.CreateTrackerAsync("fleet", "Van A");
        var (b, _) = await server.CreateTrackerAsync("fleet", "Van B");
        (await server.IngestStatesAsync(new { tracker_id = a, gps = new { speed = 10 } }, new { tracker_id = b, gps = new { speed = 20 } })).ShouldSucceed();
        return new CompatFleet { Server = server, Hash = await server.LoginAsync("fleet"), A = a };
    }

    /// <summary>
    /// What the Navixy sample does once open: subscribes to <c>state</c> of tracker A and <c>state_batch</c> of
    /// all, gets the response and both snapshots, then both live events after an ingest.
    /// </summary>
    public async Task SubscribeAndReceiveAsync(AtmosphereJsClient client)
    {
        await client.PushJsonAsync(new
        {
            action = "subscribe",
            hash = Hash,
            requests = new object[]
            {
                new { type = "state", trackers = new[] { A } },
                new { type = "state_batch", target = new { type = "all" }, rate_limit = "200ms" },
            },
        });

        var response = await client.NextMessageAsync(m => m.GetProperty("type").GetString() == "response");
        response.GetProperty("data").GetProperty("state").GetProperty("value").GetProperty(A.ToString()).GetString().Should().Be("normal");
        (await client.NextEventMessageAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(10);
        (await client.NextEventMessageAsync("state_batch")).GetProperty("data").GetArrayLength().Should().Be(2);

        await Server.IngestStatesAsync(new { tracker_id = A, gps = new { speed = 42 } });

        (await client.NextEventMessageAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(42);
        (await client.NextEventMessageAsync("state_batch")).GetProperty("data").EnumerateArray().Should().ContainSingle()
            .Which.GetProperty("state").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(42);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

using TrackerEvents.Tests.Infrastructure;
using TrackerEvents.Tests.Protocol;

namespace TrackerEvents.Tests.Compat;

/// <summary>What the real atmosphere.js clients are put through on every transport.</summary>
internal static class CompatScenario
{
    /// <summary>
    /// What the Navixy sample does once open: subscribes to <c>state</c> of tracker A and <c>state_batch</c> of
    /// all, gets the response and both snapshots, then both live events after an ingest.
    /// </summary>
    public static async Task SubscribeAndReceiveAsync(this Fleet fleet, AtmosphereJsClient client)
    {
        await client.PushJsonAsync(new
        {
            action = "subscribe",
            hash = fleet.Hash,
            requests = new object[]
            {
                new { type = "state", trackers = new[] { fleet.A } },
                new { type = "state_batch", target = new { type = "all" }, rate_limit = "200ms" },
            },
        });

        var response = await client.NextMessageAsync(m => m.GetProperty("type").GetString() == "response");
        response.GetProperty("data").GetProperty("state").GetProperty("value").GetProperty(fleet.A.ToString()).GetString().Should().Be("normal");
        (await client.NextEventMessageAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(10);
        (await client.NextEventMessageAsync("state_batch")).GetProperty("data").GetArrayLength().Should().Be(2);

        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 42 } });

        (await client.NextEventMessageAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(42);
        (await client.NextEventMessageAsync("state_batch")).GetProperty("data").EnumerateArray().Should().ContainSingle()
            .Which.GetProperty("state").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(42);
    }
}

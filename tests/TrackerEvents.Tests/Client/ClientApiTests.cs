using System.Text.Json.Nodes;
using TrackerEvents.Client;
using TrackerEvents.Tests.Protocol;

namespace TrackerEvents.Tests.Client;

/// <summary>The HTTP calls a backend makes next to the socket.</summary>
public sealed class ClientApiTests
{
    [Fact]
    public async Task TrackerList_MapsSourceIdsToTrackerIds()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var client = TestClients.For(fleet);

        var trackers = await client.ListTrackersAsync();

        trackers.Should().HaveCount(3);
        trackers.Single(t => t.Id == fleet.A).Should().Match<Tracker>(t => t.Label == "Van A" && t.Source.Id == fleet.SourceA);
    }

    [Fact]
    public async Task ReadingsBatchList_AndAnyOtherMethod()
    {
        await using var fleet = await Fleet.StartAsync();
        (await fleet.Server.AdminAsync("/ingest/readings", new
        {
            readings = new[] { new { tracker_id = fleet.A, states = new[] { new { field = "input_status", value = 9 } } } },
        })).ShouldSucceed();
        await using var client = TestClients.For(fleet);

        var readings = await client.GetReadingsAsync([fleet.A]);
        readings[fleet.A].States.Should().ContainSingle(s => s.Field == "input_status").Which.Value!.Value.GetInt32().Should().Be(9);

        var read = await client.CallAsync("tracker/read", new JsonObject { ["tracker_id"] = fleet.B });
        read.GetProperty("value").GetProperty("label").GetString().Should().Be("Van B");
        (await client.Invoking(c => c.CallAsync("tracker/read", new JsonObject { ["tracker_id"] = fleet.Foreign }))
            .Should().ThrowAsync<NavixyApiException>()).Which.Code.Should().Be(201);
        (await client.Invoking(c => c.GetStatesAsync([-1])).Should().ThrowAsync<InvalidParametersException>())
            .Which.Errors.Should().NotBeEmpty();
    }
}

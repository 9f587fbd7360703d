using System.Net;
using TrackerEvents.Subscriptions;
using TrackerEvents.Tests.Infrastructure;
using TrackerEvents.Tests.Protocol;

namespace TrackerEvents.Tests.Hardening;

/// <summary>A tracking id is a secret, and with the client's address it names the client: knowing it from elsewhere gets nothing.</summary>
public sealed class TrackingIdTests
{
    private static Task<AtmosphereSocket> From(Fleet fleet, string address, string? trackingId = null) =>
        AtmosphereSocket.ConnectAsync(fleet.Server, trackingId, configure: o => o.SetRequestHeader("X-Forwarded-For", address));

    [Fact]
    public async Task AnotherAddressWithTheVictimsTrackingId_NeitherCutsTheVictimOffNorGetsItsEvents()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var victim = await From(fleet, "198.51.100.7");
        var trackingId = (await victim.ReadHandshakeAsync()).Split('|')[0];
        await victim.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        await victim.NextEventAsync("state");

        await using var attacker = await From(fleet, "203.0.113.66", trackingId);
        (await attacker.NextFrameAsync()).Text.Should().Be("X", "a reconnect is answered with the heartbeat, whoever sends it");
        (await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 91 } })).ShouldSucceed();

        (await victim.NextEventAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(91);
        await attacker.ExpectSilenceAsync(TimeSpan.FromMilliseconds(500));
        fleet.Server.Service<ClientRegistry>().Find(trackingId, IPAddress.Parse("198.51.100.7"))!.IsConnected.Should().BeTrue();
    }

    [Fact]
    public async Task ACloseRequestFromAnotherAddress_ClosesNothing_AndFromTheClientsOwnAddressItDoes()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var victim = await From(fleet, "198.51.100.8");
        var trackingId = (await victim.ReadHandshakeAsync()).Split('|')[0];
        var registry = fleet.Server.Service<ClientRegistry>();
        var address = IPAddress.Parse("198.51.100.8");

        using (var forged = new HttpRequestMessage(HttpMethod.Get, $"{AtmosphereHttp.Path}?X-Atmosphere-Transport=close&X-Atmosphere-tracking-id={trackingId}"))
        {
            forged.Headers.Add("X-Forwarded-For", "203.0.113.67");
            (await fleet.Server.Http.SendAsync(forged)).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        registry.Find(trackingId, address).Should().NotBeNull("a close request from elsewhere closes nothing");
        using (var own = new HttpRequestMessage(HttpMethod.Get, $"{AtmosphereHttp.Path}?X-Atmosphere-Transport=close&X-Atmosphere-tracking-id={trackingId}"))
        {
            own.Headers.Add("X-Forwarded-For", "198.51.100.8");
            (await fleet.Server.Http.SendAsync(own)).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        registry.Find(trackingId, address).Should().BeNull();
    }

    [Fact]
    public async Task TrackingIds_AreRandomVersion4Uuids_AndLogsCarryOnlyAShortTag()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => TrackingIds.New()).ToList();
        ids.Should().OnlyHaveUniqueItems();
        ids.Select(id => Guid.Parse(id).Version).Should().AllBeEquivalentTo(4);
        TrackingIds.Tag(ids[0]).Should().MatchRegex("^[0-9a-f]{8}$").And.NotBe(TrackingIds.Tag(ids[1]));

        await using var fleet = await Fleet.StartAsync();
        string trackingId;
        await using (var socket = await AtmosphereSocket.ConnectAsync(fleet.Server))
        {
            trackingId = (await socket.ReadHandshakeAsync()).Split('|')[0];
            Guid.Parse(trackingId).Version.Should().Be(4);
            await socket.CloseAsync();
        }

        await Eventually.Until(() => Task.FromResult(Logs.Contain(fleet.Server, $"closed: tracking tag {TrackingIds.Tag(trackingId)}")),
            TimeSpan.FromSeconds(5), "the close line");
        Logs.Contain(fleet.Server, trackingId).Should().BeFalse("the id itself is a secret");
    }

    [Theory]
    [InlineData("abc%0d%0aINFO%20forged")]
    [InlineData("%1b%5b31mred")]
    [InlineData("a;b")]
    public async Task ATrackingIdThatIsNotAnId_IsRefused_BeforeItReachesALog(string trackingId)
    {
        await using var server = await RunningServer.StartAsync();
        using var response = await server.Http.GetAsync($"{AtmosphereHttp.Path}?X-Atmosphere-Transport=long-polling&X-Atmosphere-tracking-id={trackingId}");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var tooLong = await server.Http.GetAsync($"{AtmosphereHttp.Path}?X-Atmosphere-Transport=long-polling&X-Atmosphere-tracking-id={new string('a', 7000)}");
        tooLong.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }
}

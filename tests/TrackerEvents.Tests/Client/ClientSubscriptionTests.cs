using System.Text.Json;
using TrackerEvents.Client;
using TrackerEvents.Tests.Protocol;

namespace TrackerEvents.Tests.Client;

/// <summary>A backend with the client library: log in, subscribe, get the snapshot and the changes, as typed events with their JSON.</summary>
public sealed class ClientSubscriptionTests
{
    [Fact]
    public async Task Subscribe_GivesTheSnapshot_ThenAnIngestedChange_AsTypedEventsWithTheirJson()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var client = TestClients.For(fleet);

        await using var subscription = await client.SubscribeAsync(
        [
            SubscriptionRequest.State([fleet.A]),
            SubscriptionRequest.StateBatch(SubscriptionTarget.All, rateLimit: "200ms"),
        ]);
        await using var events = new EventReader(subscription);

        var snapshot = await events.NextAsync<StateEvent>();
        snapshot.State.SourceId.Should().Be(fleet.SourceA);
        snapshot.State.Speed().Should().Be(10);
        snapshot.State.Gps!.Updated.Should().Be(DateTimeOffset.Parse("2025-10-08T14:30:00Z"), "dates are read with their offset");
        var batch = await events.NextAsync<StateBatchEvent>();
        batch.States.Select(s => s.SourceId).Should().BeEquivalentTo([fleet.SourceA, fleet.SourceB], "the blocked and the foreign tracker are not sent");

        (await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 77 } })).ShouldSucceed();

        var change = await events.NextAsync<StateEvent>(e => e.State.Speed() == 77);
        using var json = JsonDocument.Parse(change.RawJson);
        json.RootElement.GetProperty("event").GetString().Should().Be("state");
        json.RootElement.GetProperty("data").GetProperty("gps").GetProperty("speed").GetDouble().Should().Be(77);
        change.Json.Should().Contain("\"speed\":77");
        (await events.NextAsync<StateBatchEvent>(b => b.States.Any(s => s.Speed() == 77))).States.Should().ContainSingle();
    }

    [Fact]
    public async Task TheSubscribeAnswer_GivesEachTrackersStatus()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var client = TestClients.For(fleet);
        await using var subscription = await client.SubscribeAsync([SubscriptionRequest.State([fleet.A])]);

        var answer = await subscription.SubscribeAsync([SubscriptionRequest.State([fleet.B, fleet.Blocked, fleet.Foreign])]);

        answer.Trackers[EventNames.State].Should().BeEquivalentTo(new Dictionary<long, string>
        {
            [fleet.B] = "normal",
            [fleet.Blocked] = "blocked",
            [fleet.Foreign] = "unknown",
        });
    }

    [Fact]
    public async Task Unsubscribe_StopsTheTrackersEvents()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var client = TestClients.For(fleet);
        await using var subscription = await client.SubscribeAsync([SubscriptionRequest.State([fleet.A, fleet.B])]);
        await using var events = new EventReader(subscription);
        await events.NextAsync<StateEvent>(e => e.State.SourceId == fleet.SourceB);

        await subscription.UnsubscribeAsync([SubscriptionRequest.State([fleet.A])]);
        (await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 1 } }, new { tracker_id = fleet.B, gps = new { speed = 2 } }))
            .ShouldSucceed();

        var next = await events.NextAsync<StateEvent>(e => e.State.Speed() is 1 or 2);
        next.State.SourceId.Should().Be(fleet.SourceB, "A was unsubscribed");
    }

    [Fact]
    public async Task ReadingsBatch_AndIotMonitor_ComeTyped()
    {
        await using var fleet = await Fleet.StartAsync();
        (await fleet.Server.AdminAsync("/ingest/readings", new
        {
            readings = new[] { new { tracker_id = fleet.A, counters = new[] { new { type = "odometer", value = 12100 } } } },
        })).ShouldSucceed();
        await using var client = TestClients.For(fleet);

        await using var subscription = await client.SubscribeAsync(
        [
            SubscriptionRequest.ReadingsBatch(SubscriptionTarget.Selected([fleet.A]), rateLimit: "200ms"),
            SubscriptionRequest.IotMonitor(SubscriptionTarget.Selected([fleet.A]), rateLimit: "200ms"),
        ]);
        await using var events = new EventReader(subscription);

        ReadingsBatchEvent? readings = null;
        IotMonitorEvent? iot = null;
        while (readings is null || iot is null)
        {
            var e = await events.NextAsync<TrackerEvent>();
            readings ??= e as ReadingsBatchEvent;
            iot ??= e as IotMonitorEvent;
        }

        readings.Readings.Should().ContainSingle().Which.TrackerId.Should().Be(fleet.A);
        readings.Readings[0].Counters.Should().ContainSingle(c => c.Type == "odometer").Which.Value.Should().Be(12100);
        iot.Trackers.Should().ContainSingle().Which.TrackerId.Should().Be(fleet.A);
        iot.Trackers[0].NonnullFields!["speed"][0].Value!.Value.GetDouble().Should().Be(10);
    }

    [Fact]
    public async Task ABlockedTracker_GivesALifecycleEvent()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var client = TestClients.For(fleet);
        await using var subscription = await client.SubscribeAsync([SubscriptionRequest.State([fleet.A])]);
        await using var events = new EventReader(subscription);
        await events.NextAsync<StateEvent>();

        (await fleet.Server.AdminAsync("/admin/trackers/block", new { tracker_id = fleet.A })).ShouldSucceed();

        var lifecycle = await events.NextAsync<LifecycleEvent>();
        lifecycle.Change.SourceId.Should().Be(fleet.SourceA);
        lifecycle.Change.LifecycleEvent.Should().Be("block");
    }

    [Fact]
    public async Task AWrongRateLimit_IsInvalidParameters_NamingIt()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var client = TestClients.For(fleet);

        var subscribing = () => client.SubscribeAsync([SubscriptionRequest.StateBatch(SubscriptionTarget.All, rateLimit: "5 seconds")]);

        var error = (await subscribing.Should().ThrowAsync<InvalidParametersException>()).Which;
        error.Code.Should().Be(7);
        error.Errors.Should().ContainSingle().Which.Parameter.Should().Be("requests[0].rate_limit");
    }
}

using TrackerEvents.Client;
using TrackerEvents.Tests.Protocol;

namespace TrackerEvents.Tests.Client;

/// <summary>When the WebSocket is refused (a proxy that breaks upgrades; here the server switched it off), the client long-polls.</summary>
public sealed class ClientTransportTests
{
    [Fact]
    public async Task AWebSocketRefused_FallsBackToLongPolling_AndEventsFlow()
    {
        await using var fleet = await Fleet.StartAsync("Atmosphere:Transports=long-polling,streaming");
        await using var client = TestClients.For(fleet);
        var changes = new List<ConnectionChange>();

        await using var subscription = await client.SubscribeAsync(
            [SubscriptionRequest.State([fleet.A]), SubscriptionRequest.StateBatch(SubscriptionTarget.All, rateLimit: "200ms")]);
        subscription.ConnectionChanged += (_, change) => { lock (changes) { changes.Add(change); } };
        await using var events = new EventReader(subscription);

        subscription.Transport.Should().Be("long-polling");
        (await events.NextAsync<StateEvent>()).State.SourceId.Should().Be(fleet.SourceA);
        await events.NextAsync<StateBatchEvent>();
        (await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 44 } })).ShouldSucceed();
        await events.NextAsync<StateEvent>(e => e.State.Speed() == 44);
        await events.NextAsync<StateBatchEvent>(b => b.States.Any(s => s.Speed() == 44));
        await subscription.UnsubscribeAsync([SubscriptionRequest.State([fleet.A])]);
    }

    [Fact]
    public async Task LongPollingOnly_NeverTriesTheWebSocket_AndTheCloseRequestReleasesTheClient()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var client = new TrackerEventsClient(
            TestClients.Options(fleet.Server.BaseAddress, Credentials.Password("fleet", TestClients.Password)) with { LongPollingOnly = true });
        var subscription = await client.SubscribeAsync([SubscriptionRequest.State([fleet.A])]);
        await using (var events = new EventReader(subscription))
        {
            await events.NextAsync<StateEvent>();
            subscription.Transport.Should().Be("long-polling");
            var registry = fleet.Server.Service<TrackerEvents.Subscriptions.ClientRegistry>();
            var held = registry.Find(subscription.TrackingId!);
            held.Should().NotBeNull();

            await subscription.DisposeAsync();

            // The client itself, not whatever holds its id now: a poll the client cancelled as it stopped can still
            // reach the server after the close request, and is then a new client (released after its retention).
            held!.IsReleased.Should().BeTrue("the close request tells the server at once");
            (await events.MoveNextAsync()).Should().BeFalse();
        }
    }
}

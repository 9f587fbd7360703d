using TrackerEvents.Client;
using TrackerEvents.Tests.Infrastructure;
using TrackerEvents.Tests.Protocol;

namespace TrackerEvents.Tests.Client;

/// <summary>A consumer that reads slower than events come costs bounded memory: the latest state per tracker is kept, not every one.</summary>
public sealed class SlowConsumerTests
{
    [Fact]
    public async Task AConsumerThatReadsNothing_HoldsOneStatePerTracker_AndOneBatch_WithTheLatestValues()
    {
        const int Changes = 200;
        await using var fleet = await Fleet.StartAsync("Api:RateLimit=100000", "Api:AddressRateLimit=100000");
        await using var client = TestClients.For(fleet);
        await using var subscription = await client.SubscribeAsync(
            [SubscriptionRequest.State([fleet.A, fleet.B]), SubscriptionRequest.StateBatch(SubscriptionTarget.All, rateLimit: "100ms")]);

        for (var i = 1; i <= Changes; i++)
        {
            (await fleet.Server.IngestStatesAsync(new { tracker_id = i % 2 == 0 ? fleet.A : fleet.B, gps = new { speed = i } })).ShouldSucceed();
        }

        await Eventually.Until(() => Task.FromResult(subscription.Buffer.Peek().OfType<StateEvent>().Any(e => e.State.Speed() == Changes)),
            TimeSpan.FromSeconds(20), "the last change to reach the client");
        await Eventually.Until(
            () => Task.FromResult(subscription.Buffer.Peek().OfType<StateBatchEvent>().Any(b => b.States.Any(s => s.Speed() == Changes))),
            TimeSpan.FromSeconds(20), "the last batch to reach the client");

        var waiting = subscription.Buffer.Peek();
        waiting.Should().HaveCount(3, "one state of A, one of B, and one merged batch, whatever the number of changes");
        var batch = waiting.OfType<StateBatchEvent>().Single();
        batch.States.Select(s => (s.SourceId, s.Speed())).Should().BeEquivalentTo([(fleet.SourceA, (double?)Changes), (fleet.SourceB, Changes - 1)]);
        batch.Json.Should().Contain($"\"speed\":{Changes}", "a merged batch carries its merged JSON");
        waiting.OfType<StateEvent>().Select(e => e.State.Speed()).Should().BeEquivalentTo([(double?)Changes, Changes - 1]);
        subscription.DroppedEvents.Should().Be(0);
    }
}

using TrackerEvents.Protocol;
using TrackerEvents.Subscriptions;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Protocol;

public sealed class DroppedConsumerTests
{
    [Fact]
    public async Task ADetachedTransport_HasNothingToSend_WhileItsRetainedClientCollectsStates()
    {
        // Regression: a send loop whose connection was dropped (e.g. as a slow consumer) asked "is the
        // outbox empty?" and, while the retained client kept collecting states it could no longer take,
        // looped without yielding until the retention ended (found by bench/: both cores busy and ingest
        // stalled after 10% of 15,000 clients stopped reading). The loop now asks HasPendingFor(itself).
        await using var server = await RunningServer.StartAsync();
        var registry = server.Service<ClientRegistry>();
        var (client, _) = registry.Connect(Guid.NewGuid().ToString(), System.Net.IPAddress.Loopback);
        var first = new FakeTransport();
        client.Attach(first, out _).Should().BeTrue();
        client.Send(new Payload("{\"a\":1}"u8.ToArray()));
        client.HasPendingFor(first).Should().BeTrue();

        client.Detach(first).Should().BeTrue();
        client.Send(new Payload("{\"b\":2}"u8.ToArray()));

        client.HasPending.Should().BeTrue("the retained client keeps what its next connection will get");
        client.HasPendingFor(first).Should().BeFalse("the dropped connection may not take it");
        client.TryTake(first, out _).Should().BeFalse();

        var second = new FakeTransport();
        client.Attach(second, out _).Should().BeTrue();
        client.HasPendingFor(second).Should().BeTrue();
        client.HasPendingFor(first).Should().BeFalse();
        client.Release(Disconnect.CloseRequest);
    }

    private sealed class FakeTransport : IClientTransport
    {
        public string Name => "fake";

        public bool TrackMessageSize => false;

        public void OnDataAvailable()
        {
        }

        public TimeSpan OnTimer() => TimeSpan.MaxValue;

        public void Close(Disconnect reason)
        {
        }

        public void Abort(Disconnect reason)
        {
        }
    }
}

using TrackerEvents.Subscriptions;
using TrackerEvents.Connections;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Protocol;

public sealed class ClientRegistryTests
{
    [Fact]
    public async Task RequestsRacingWithOneUnknownTrackingId_AllGetTheSameClient()
    {
        // After a restart a client's stream and its first POST can arrive together with a tracking id the
        // process does not know: both must adopt one client, or the subscribe lands on one nobody reads.
        await using var server = await RunningServer.StartAsync();
        var registry = server.Service<ClientRegistry>();
        var split = 0;
        for (var round = 0; round < 200; round++)
        {
            var id = Guid.NewGuid().ToString();
            using var start = new Barrier(4);
            var clients = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            {
                start.SignalAndWait();
                return registry.Connect(id, System.Net.IPAddress.Loopback).Client;
            })));
            if (clients.Distinct().Count() > 1)
            {
                split++;
            }

            registry.Find(id).Should().BeSameAs(clients[0]);
        }

        split.Should().Be(0);
    }
}

using TrackerEvents.Devices;
using TrackerEvents.Store;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Devices;

/// <summary>Two nodes on one PostgreSQL database both sweep the connection status: each transition is written once.</summary>
public sealed class MultiNodeStatusTests
{
    [Theory, EngineData(Engine.Postgres)]
    public async Task TwoNodesSweeping_WriteEachTransitionOnce(Engine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var clock = new ManualClock();
        const string FastSweep = "Devices:SweepInterval=00:00:00.020";
        await using var a = await DeviceFleet.StartOnAsync(database, clock, FastSweep);
        await using var nodeB = await RunningServer.StartOnAsync(database, clock, FastSweep);
        var b = await a.OnAsync(nodeB);
        (await a.ReportAsync($"id={a.DeviceA}&lat=52&lon=4.9")).Status.Should().Be(200);
        (await b.ReportAsync($"id={b.DeviceB}&lat=52&lon=4.9")).Status.Should().Be(200);
        var before = await a.Server.CurrentVersionAsync();

        clock.Advance(TimeSpan.FromMinutes(6));
        await UntilBothSweptAsync(a, b, "idle");
        (await a.Server.CurrentVersionAsync()).Should().Be(before + 2, "one version per tracker: each idle transition written once");

        clock.Advance(TimeSpan.FromMinutes(5));
        await UntilBothSweptAsync(a, b, "offline");
        (await a.Server.CurrentVersionAsync()).Should().Be(before + 4, "and each offline transition once");
    }

    [Theory, EngineData(Engine.Postgres)]
    public async Task TwoNodesThatReadTheSameSilentTrackers_WriteTheirTransitionsOnce(Engine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var clock = new ManualClock();
        const string NoSweep = "Devices:SweepInterval=00:10:00"; // the test sweeps by hand, both nodes at the same moment
        await using var a = await DeviceFleet.StartOnAsync(database, clock, NoSweep);
        await using var nodeB = await RunningServer.StartOnAsync(database, clock, NoSweep);
        (await a.ReportAsync($"id={a.DeviceA}&lat=52&lon=4.9")).Status.Should().Be(200);
        (await a.ReportAsync($"id={a.DeviceB}&lat=52&lon=4.9")).Status.Should().Be(200);
        clock.Advance(TimeSpan.FromMinutes(6));
        var defaults = new DevicesOptions();
        var storeA = a.Server.Service<ConnectionStatusStore>();
        var storeB = nodeB.Service<ConnectionStatusStore>();

        var readByA = await storeA.FindSilentAsync(clock.GetUtcNow(), defaults.IdleAfter, defaults.OfflineAfter, 100, CancellationToken.None);
        var readByB = await storeB.FindSilentAsync(clock.GetUtcNow(), defaults.IdleAfter, defaults.OfflineAfter, 100, CancellationToken.None);
        var writtenByA = await storeA.MarkAsync(ConnectionStatusSweep.Due(readByA, clock.GetUtcNow(), defaults), CancellationToken.None);
        var writtenByB = await storeB.MarkAsync(ConnectionStatusSweep.Due(readByB, clock.GetUtcNow(), defaults), CancellationToken.None);

        readByA.Select(t => t.TrackerId).Should().BeEquivalentTo([a.A, a.B]);
        readByB.Select(t => t.TrackerId).Should().BeEquivalentTo([a.A, a.B], "both nodes saw the same silent trackers");
        writtenByA.Should().BeEquivalentTo([a.A, a.B]);
        writtenByB.Should().BeEmpty("node A wrote those transitions first; node B's writes find another version");
        (await a.StateAsync(a.A)).GetProperty("connection_status").GetString().Should().Be("idle");
    }

    private static async Task UntilBothSweptAsync(DeviceFleet a, DeviceFleet b, string status)
    {
        await Eventually.Until(async () =>
            (await a.StateAsync(a.A)).GetProperty("connection_status").GetString() == status
            && (await a.StateAsync(a.B)).GetProperty("connection_status").GetString() == status, TimeSpan.FromSeconds(10), $"both trackers {status}");
        // Both nodes sweep several more times after the transitions: a node that wrote again would show up in the version.
        var sweepsA = a.Server.Service<ConnectionStatusSweep>().Sweeps;
        var sweepsB = b.Server.Service<ConnectionStatusSweep>().Sweeps;
        await Eventually.Until(() => Task.FromResult(a.Server.Service<ConnectionStatusSweep>().Sweeps > sweepsA + 3
            && b.Server.Service<ConnectionStatusSweep>().Sweeps > sweepsB + 3), TimeSpan.FromSeconds(10), "more sweeps on both nodes");
    }
}

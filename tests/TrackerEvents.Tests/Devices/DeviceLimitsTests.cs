using TrackerEvents.Devices;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Devices;

/// <summary>Per-address and per-device request budgets on the device listener: 429 past them, and a flooding device spends only its own.</summary>
public sealed class DeviceLimitsTests
{
    private const string LongWindow = "Devices:RateLimitWindow=01:00:00"; // no refill during the test

    [Fact]
    public async Task PastTheAddressBudget_RequestsAre429_BeforeAnythingIsRead()
    {
        await using var fleet = await DeviceFleet.StartAsync("Devices:AddressRateLimit=5", LongWindow);

        for (var i = 0; i < 5; i++)
        {
            (await fleet.ReportAsync($"id={(i % 2 == 0 ? fleet.DeviceA : fleet.DeviceB)}&lat=52&lon=4.{i}")).Status.Should().Be(200);
        }

        var refused = await fleet.ReportAsync($"id={fleet.DeviceB}&lat=52&lon=4.9");
        refused.Status.Should().Be(429);
        refused.Body.Should().Be("too many requests from this address\n");
        (await fleet.ReportAsync("lat=not-even-parsed")).Status.Should().Be(429, "the budget is checked before the request is read");
    }

    [Fact]
    public async Task AFloodingDevice_Gets429_WhileAnotherDeviceIsStillAcknowledged()
    {
        await using var fleet = await DeviceFleet.StartAsync("Devices:DeviceRateLimit=3", LongWindow);

        var flood = Enumerable.Range(0, 40).Select(i => fleet.ReportAsync($"id={fleet.DeviceA}&lat=52&lon=4.{i}")).ToList();
        var other = Enumerable.Range(0, 3).Select(i => fleet.ReportAsync($"id={fleet.DeviceB}&lat=51&lon=3.{i}")).ToList();
        var flooded = await Task.WhenAll(flood).WaitAsync(TimeSpan.FromSeconds(30));
        var others = await Task.WhenAll(other).WaitAsync(TimeSpan.FromSeconds(30));

        flooded.Count(a => a.Status == 200).Should().Be(3);
        flooded.Where(a => a.Status != 200).Should().AllSatisfy(a =>
        {
            a.Status.Should().Be(429);
            a.Body.Should().Be("too many requests from this device\n");
        });
        others.Should().AllSatisfy(a => a.Status.Should().Be(200));
        fleet.Server.Service<DeviceMetrics>().Rejected["rate_limited"].Should().Be(37);
    }
}

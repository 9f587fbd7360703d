using TrackerEvents.Devices;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Devices;

/// <summary>The demo's simulator drives its vehicles through the device listener (or, if told, straight into the store).</summary>
public sealed class DemoDeviceTests
{
    [Theory]
    [InlineData("osmand", true)]
    [InlineData("store", false)]
    public async Task TheSimulator_ReportsThroughTheProtocolItIsGiven(string protocol, bool throughTheListener)
    {
        await using var server = await RunningServer.StartAsync("Demo:Enabled=true", "Demo:Simulator=true", $"Demo:SimulatorProtocol={protocol}",
            "Demo:SimulatorInterval=00:00:00.100");
        var after = await server.CurrentVersionAsync();
        var metrics = server.Service<DeviceMetrics>();

        await Eventually.Until(async () => (await server.ChangesAfterAsync(after)).Count(c => c.GetProperty("type").GetString() == "state") >= 20,
            TimeSpan.FromSeconds(10), "demo vehicles to move");

        if (throughTheListener)
        {
            metrics.Points.Should().BeGreaterThanOrEqualTo(20, "every move was a point the device listener stored");
            metrics.Rejected.Should().BeEmpty();
        }
        else
        {
            metrics.Points.Should().Be(0);
        }
    }
}

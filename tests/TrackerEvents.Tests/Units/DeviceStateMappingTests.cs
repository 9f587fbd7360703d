using TrackerEvents.Devices;
using TrackerEvents.Store;
using TrackerEvents.Tracking;

namespace TrackerEvents.Tests.Units;

/// <summary>A device's point onto its tracker's state, field by field; and what a silence does to the connection status.</summary>
public sealed class DeviceStateMappingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan ParkedAfter = TimeSpan.FromMinutes(5);

    private static TrackerState Apply(TrackerState current, DevicePoint point, DateTimeOffset? at = null) =>
        DeviceStateMapping.Apply(current, point, point.Time ?? at ?? T0, (at ?? T0).AddSeconds(1), movingSpeed: 5, ParkedAfter);

    private static DevicePoint Fix(double speed, DateTimeOffset time) =>
        new("d1") { Time = time, Position = new GeoPoint(52.1, 4.9), SpeedKmh = speed, Heading = 181.6, Altitude = 12.4, Accuracy = 7.5 };

    [Fact]
    public void AFix_FillsGps_TheTimes_AndConnectionStatus()
    {
        var state = Apply(TrackerState.Initial, Fix(42.4, T0) with { BatteryPercent = 86.6, Ignition = true });

        state.Gps.Should().Be(GpsState.Empty with
        {
            Updated = T0, Location = new GeoPoint(52.1, 4.9), Speed = 42, Heading = 182, Alt = 12, Precision = 8,
        });
        state.LastUpdate.Should().Be(T0.AddSeconds(1), "last_update is the receive time");
        state.ConnectionStatus.Should().Be("active");
        state.BatteryLevel.Should().Be(87);
        state.BatteryUpdate.Should().Be(T0);
        state.Ignition.Should().BeTrue();
        state.IgnitionUpdate.Should().Be(T0);
        state.MovementStatus.Should().Be("moving");
        state.MovementStatusUpdate.Should().Be(T0);
        state.ActualTrackUpdate.Should().Be(T0);
    }

    [Fact]
    public void AnOlderPoint_DoesNotMoveTheTrackerBackwards_ButCountsAsContact()
    {
        var current = Apply(TrackerState.Initial, Fix(50, T0));

        var after = Apply(current, Fix(0, T0.AddMinutes(-1)) with { Position = new GeoPoint(1, 1), BatteryPercent = 5 }, T0.AddMinutes(2));

        after.Should().Be(current with { LastUpdate = T0.AddMinutes(2).AddSeconds(1) });
    }

    [Fact]
    public void APointWithoutFix_ChangesEverythingButGps()
    {
        var current = Apply(TrackerState.Initial, Fix(50, T0));

        var after = Apply(current, new DevicePoint("d1") { Time = T0.AddMinutes(1), Valid = false, Position = new GeoPoint(9, 9), BatteryPercent = 40 }
            with { Additional = [new("event", "heartbeat")] });

        after.Gps.Should().Be(current.Gps);
        after.BatteryLevel.Should().Be(40);
        after.Additional["event"].Should().Be(new AdditionalValue("heartbeat", T0.AddMinutes(1)));
        after.MovementStatus.Should().Be("moving", "a point without speed or motion says nothing about movement");
    }

    [Fact]
    public void Movement_FromSpeedMotionAndIgnition()
    {
        var moving = Apply(TrackerState.Initial, Fix(30, T0));
        moving.MovementStatus.Should().Be("moving");

        var stopped = Apply(moving, Fix(1, T0.AddMinutes(1)));
        stopped.MovementStatus.Should().Be("stopped", "below the moving speed with the ignition unknown, a stop begins");
        stopped.MovementStatusUpdate.Should().Be(T0.AddMinutes(1));
        Apply(stopped, Fix(0, T0.AddMinutes(4))).MovementStatus.Should().Be("stopped");
        Apply(stopped, Fix(0, T0.AddMinutes(6))).MovementStatus.Should().Be("parked", "stopped for Devices:ParkedAfter");

        Apply(moving, Fix(0, T0.AddMinutes(1)) with { Ignition = true }).MovementStatus.Should().Be("stopped");
        Apply(moving, Fix(0, T0.AddMinutes(1)) with { Ignition = false }).MovementStatus.Should().Be("parked");
        Apply(stopped, Fix(2, T0.AddMinutes(2)) with { IsMoving = true }).MovementStatus.Should().Be("moving", "the device's own motion detection");
        Apply(TrackerState.Initial, Fix(2, T0) with { Valid = false, IsMoving = false }).MovementStatus.Should().Be("parked");
    }

    [Fact]
    public void AdditionalValues_AreMergedIntoWhatIsThere()
    {
        var current = Apply(TrackerState.Initial, Fix(0, T0) with { Additional = [new("a", "1"), new("b", "2")] });

        var after = Apply(current, Fix(0, T0.AddSeconds(5)) with { Additional = [new("b", "3")] });

        after.Additional.Keys.Should().Equal("a", "b");
        after.Additional["a"].Should().Be(new AdditionalValue("1", T0));
        after.Additional["b"].Should().Be(new AdditionalValue("3", T0.AddSeconds(5)));
    }

    [Theory]
    [InlineData(4, null)]
    [InlineData(5, "idle")]
    [InlineData(9, "idle")]
    [InlineData(10, "offline")]
    [InlineData(600, "offline")]
    public void Silence_IdleThenOffline(int minutes, string? expected)
    {
        ConnectionStatusRules.For(TimeSpan.FromMinutes(minutes), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10)).Should().Be(expected);
    }

    [Fact]
    public void TheSweep_WritesOnlyTransitionsNotWrittenYet_WithEachTrackersOwnSilences()
    {
        var now = T0.AddHours(1);
        var defaults = new DevicesOptions();
        SilentTracker Silent(long id, int minutesAgo, string? swept, int? idleMinutes = null) => new(id, TrackerState.Initial with { ConnectionStatus = "active" },
            Version: id * 10, now.AddMinutes(-minutesAgo), swept, idleMinutes is { } m ? TimeSpan.FromMinutes(m) : null, null);

        var due = ConnectionStatusSweep.Due(
            [Silent(1, 6, null), Silent(2, 6, "idle"), Silent(3, 11, "idle"), Silent(4, 12, null), Silent(5, 2, null, idleMinutes: 1)], now, defaults);

        due.Select(t => (t.TrackerId, t.Status, t.Version)).Should().Equal((1L, "idle", 10L), (3L, "offline", 30L), (4L, "offline", 40L), (5L, "idle", 50L));
        due.Should().AllSatisfy(t => t.State.ConnectionStatus.Should().Be(t.Status));
    }
}

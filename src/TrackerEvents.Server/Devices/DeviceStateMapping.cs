using TrackerEvents.Tracking;

namespace TrackerEvents.Devices;

/// <summary>
/// How a device's point changes its tracker's state, field by field (the table in docs/protocol.md).
/// Runs inside the store's write transaction, on the state stored there.
/// </summary>
/// <remarks>
/// A point older than the tracker's current fix (<c>gps.updated</c>) changes nothing but
/// <c>last_update</c> and <c>connection_status</c>: a device that sends the points it buffered while out of
/// coverage never moves its tracker backwards. A point without a fix (<c>valid=false</c>, or 0,0) changes
/// everything but <c>gps</c>.
/// </remarks>
internal static class DeviceStateMapping
{
    /// <param name="current">The tracker's stored state.</param>
    /// <param name="point">The point.</param>
    /// <param name="pointTime">The point's time (its own, or when it was received).</param>
    /// <param name="now">The write's time: <c>last_update</c>.</param>
    /// <param name="movingSpeed">km/h from which the point counts as moving.</param>
    /// <param name="parkedAfter">How long a stop of unknown ignition lasts before it counts as parked.</param>
    public static TrackerState Apply(TrackerState current, DevicePoint point, DateTimeOffset pointTime, DateTimeOffset now,
        double movingSpeed, TimeSpan parkedAfter)
    {
        var alive = current with { LastUpdate = now, ConnectionStatus = "active" };
        if (current.Gps.Updated is { } lastFix && pointTime < lastFix)
        {
            return alive;
        }

        var state = alive;
        if (point.HasFix)
        {
            state = state with
            {
                Gps = current.Gps with
                {
                    Updated = pointTime,
                    Location = point.Position,
                    Speed = Round(point.SpeedKmh ?? 0),
                    Heading = Round(point.Heading ?? 0),
                    Alt = Round(point.Altitude ?? 0),
                    Precision = point.Accuracy is { } accuracy ? Round(Math.Min(accuracy, int.MaxValue)) : null,
                },
            };
        }

        if (point.BatteryPercent is { } battery)
        {
            state = state with { BatteryLevel = Round(battery), BatteryUpdate = pointTime };
        }

        if (point.Ignition is { } ignition && ignition != current.Ignition)
        {
            state = state with { Ignition = ignition, IgnitionUpdate = pointTime };
        }

        var movement = Movement(state, point, pointTime, movingSpeed, parkedAfter);
        if (movement != current.MovementStatus)
        {
            state = state with { MovementStatus = movement, MovementStatusUpdate = pointTime };
        }

        if (point.HasFix && movement == "moving")
        {
            state = state with { ActualTrackUpdate = pointTime };
        }

        if (point.Additional.Count > 0)
        {
            var additional = state.Additional.ToBuilder();
            foreach (var (key, value) in point.Additional)
            {
                additional[key] = new AdditionalValue(value, pointTime);
            }

            state = state with { Additional = additional.ToImmutable() };
        }

        return state;
    }

    /// <summary>
    /// Moving: the speed reaches <paramref name="movingSpeed"/>, or the device says it moves. Otherwise,
    /// if the point says it does not move: stopped with the ignition on, parked with it off, and with the
    /// ignition unknown stopped for <paramref name="parkedAfter"/>, then parked. A point that says nothing
    /// about motion keeps the status.
    /// </summary>
    internal static string Movement(TrackerState state, DevicePoint point, DateTimeOffset pointTime, double movingSpeed, TimeSpan parkedAfter)
    {
        var fastEnough = point.HasFix && point.SpeedKmh is { } speed ? speed >= movingSpeed : (bool?)null;
        if (fastEnough == true || point.IsMoving == true)
        {
            return "moving";
        }

        if (fastEnough is null && point.IsMoving is null)
        {
            return state.MovementStatus;
        }

        return state.Ignition switch
        {
            true => "stopped",
            false => "parked",
            null => state.MovementStatus switch
            {
                "moving" => "stopped",
                "stopped" when state.MovementStatusUpdate is { } since && pointTime - since >= parkedAfter => "parked",
                var unchanged => unchanged,
            },
        };
    }

    private static int Round(double value) => (int)Math.Round(value, MidpointRounding.AwayFromZero);
}

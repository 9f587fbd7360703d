using System.Collections.Immutable;
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
        if (current.Gps.Updated is { } lastFix && pointTime < lastFix)
        {
            return current with { LastUpdate = now, ConnectionStatus = "active" };
        }

        // One copy of the state per point: this runs for every point inside the serial group commit.
        var hasFix = point.HasFix;
        var ignitionChanged = point.Ignition is { } ignition && ignition != current.Ignition;
        var ignitionNow = ignitionChanged ? point.Ignition : current.Ignition;
        var movement = Movement(ignitionNow, current.MovementStatus, current.MovementStatusUpdate, point, pointTime, movingSpeed, parkedAfter);
        return current with
        {
            LastUpdate = now,
            ConnectionStatus = "active",
            Gps = hasFix
                ? current.Gps with
                {
                    Updated = pointTime,
                    Location = point.Position,
                    Speed = Round(point.SpeedKmh ?? 0),
                    Heading = Round(point.Heading ?? 0),
                    Alt = Round(point.Altitude ?? 0),
                    Precision = point.Accuracy is { } accuracy ? Round(Math.Min(accuracy, int.MaxValue)) : null,
                }
                : current.Gps,
            BatteryLevel = point.BatteryPercent is { } battery ? Round(battery) : current.BatteryLevel,
            BatteryUpdate = point.BatteryPercent is null ? current.BatteryUpdate : pointTime,
            Ignition = ignitionNow,
            IgnitionUpdate = ignitionChanged ? pointTime : current.IgnitionUpdate,
            MovementStatus = movement,
            MovementStatusUpdate = movement != current.MovementStatus ? pointTime : current.MovementStatusUpdate,
            ActualTrackUpdate = hasFix && movement == "moving" ? pointTime : current.ActualTrackUpdate,
            Additional = point.Additional.Count > 0 ? WithAdditional(current.Additional, point.Additional, pointTime) : current.Additional,
        };
    }

    /// <summary>
    /// Moving: the speed reaches <paramref name="movingSpeed"/>, or the device says it moves. Otherwise,
    /// if the point says it does not move: stopped with the ignition on, parked with it off, and with the
    /// ignition unknown stopped for <paramref name="parkedAfter"/>, then parked. A point that says nothing
    /// about motion keeps the status.
    /// </summary>
    internal static string Movement(bool? ignition, string status, DateTimeOffset? statusSince, DevicePoint point, DateTimeOffset pointTime,
        double movingSpeed, TimeSpan parkedAfter)
    {
        var fastEnough = point.HasFix && point.SpeedKmh is { } speed ? speed >= movingSpeed : (bool?)null;
        if (fastEnough == true || point.IsMoving == true)
        {
            return "moving";
        }

        if (fastEnough is null && point.IsMoving is null)
        {
            return status;
        }

        return ignition switch
        {
            true => "stopped",
            false => "parked",
            null => status switch
            {
                "moving" => "stopped",
                "stopped" when statusSince is { } since && pointTime - since >= parkedAfter => "parked",
                var unchanged => unchanged,
            },
        };
    }

    private static ImmutableSortedDictionary<string, AdditionalValue> WithAdditional(ImmutableSortedDictionary<string, AdditionalValue> additional,
        IReadOnlyList<KeyValuePair<string, string>> sent, DateTimeOffset pointTime)
    {
        var builder = additional.ToBuilder();
        foreach (var (key, value) in sent)
        {
            builder[key] = new AdditionalValue(value, pointTime);
        }

        return builder.ToImmutable();
    }

    private static int Round(double value) => (int)Math.Round(value, MidpointRounding.AwayFromZero);
}

using TrackerEvents.Tracking;

namespace TrackerEvents.Devices;

/// <summary>
/// The OsmAnd query/form format (traccar.org/osmand), as the OsmAnd app, the Traccar Client apps before
/// version 9 and many gateways send it: <c>GET /?id=..&amp;lat=..&amp;lon=..&amp;timestamp=..</c>, the same
/// parameters on a POST, or as a form body. Parameter names and their meaning follow Traccar's
/// <c>OsmAndProtocolDecoder</c>; the mapping into the state is in docs/protocol.md.
/// </summary>
internal static class OsmAndDecoder
{
    /// <param name="fields">The parameters, in the order sent (a repeated one: the last counts).</param>
    /// <param name="speedFactor">km/h per unit of <c>speed</c> (<see cref="DevicesOptions.SpeedUnit"/>).</param>
    /// <param name="maxAdditional">Most extra values kept (<see cref="DevicesOptions.MaxAdditional"/>).</param>
    public static DevicePoint Decode(IReadOnlyList<KeyValuePair<string, string>> fields, double speedFactor, int maxAdditional)
    {
        // Locals rather than a record copied per parameter: this runs once per device request.
        string? deviceId = null;
        DateTimeOffset? time = null;
        var valid = true;
        double? lat = null, lon = null, speed = null, heading = null, altitude = null, accuracy = null, battery = null;
        bool? ignition = null;
        var additional = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in fields)
        {
            switch (key)
            {
                case "id" or "deviceid":
                    deviceId = PointValues.DeviceId(key, value);
                    break;
                case "valid":
                    valid = PointValues.Bool(key, value);
                    break;
                case "timestamp":
                    time = PointValues.Timestamp(key, value);
                    break;
                case "lat":
                    lat = PointValues.Number(key, value, -90, 90);
                    break;
                case "lon":
                    lon = PointValues.Number(key, value, -180, 180);
                    break;
                case "location":
                    var comma = value.IndexOf(',', StringComparison.Ordinal);
                    if (comma < 0)
                    {
                        throw new DeviceRequestException("location must be lat,lon");
                    }

                    lat = PointValues.Number("location latitude", value[..comma], -90, 90);
                    lon = PointValues.Number("location longitude", value[(comma + 1)..], -180, 180);
                    break;
                case "speed":
                    speed = PointValues.Speed(key, PointValues.Number(key, value, double.MinValue, double.MaxValue), speedFactor);
                    break;
                case "bearing" or "heading":
                    heading = PointValues.Number(key, value, 0, 360);
                    break;
                case "altitude":
                    altitude = PointValues.Number(key, value, -100_000, 100_000);
                    break;
                case "accuracy":
                    accuracy = PointValues.Number(key, value, 0, 10_000_000);
                    break;
                case "batt":
                    battery = PointValues.Number(key, value, 0, 100);
                    break;
                case "ignition":
                    ignition = PointValues.Bool(key, value);
                    break;
                case "hdop":
                    PointValues.Additional(additional, key, PointValues.Text(PointValues.Number(key, value, 0, 1000)), maxAdditional);
                    break;
                case "charge":
                    PointValues.Additional(additional, key, PointValues.Bool(key, value) ? "true" : "false", maxAdditional);
                    break;
                default:
                    // driverUniqueId and everything else, as sent.
                    PointValues.Additional(additional, key, value, maxAdditional);
                    break;
            }
        }

        if (deviceId is null)
        {
            throw new DeviceRequestException("id (or deviceid) is required");
        }

        if (lat.HasValue != lon.HasValue)
        {
            throw new DeviceRequestException("lat and lon must be sent together");
        }

        return new DevicePoint(deviceId)
        {
            Time = time,
            Valid = valid,
            Position = lat is { } la && lon is { } lo ? new GeoPoint(la, lo) : null,
            SpeedKmh = speed,
            Heading = heading,
            Altitude = altitude,
            Accuracy = accuracy,
            BatteryPercent = battery,
            Ignition = ignition,
            Additional = additional,
        };
    }
}

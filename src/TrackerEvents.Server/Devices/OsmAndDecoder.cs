using System.Diagnostics.CodeAnalysis;
using TrackerEvents.Tracking;

namespace TrackerEvents.Devices;

/// <summary>
/// The OsmAnd query/form format (traccar.org/osmand), as the OsmAnd app, the Traccar Client apps before
/// version 9 and many gateways send it: <c>GET /?id=..&amp;lat=..&amp;lon=..&amp;timestamp=..</c>, the same
/// parameters on a POST, or as a form body. Parameter names and their meaning follow Traccar's
/// <c>OsmAndProtocolDecoder</c>; the mapping into the state is in docs/protocol.md. A repeated parameter:
/// the last counts.
/// </summary>
internal static class OsmAndDecoder
{
    /// <summary>
    /// The point in a query string's bytes, with or without its leading <c>?</c>; false when it has no
    /// parameters (the point may be in a form body).
    /// </summary>
    /// <param name="speedFactor">km/h per unit of <c>speed</c> (<see cref="DevicesOptions.SpeedUnit"/>).</param>
    /// <param name="maxAdditional">Most extra values kept (<see cref="DevicesOptions.MaxAdditional"/>).</param>
    public static bool TryDecodeQuery(ReadOnlySpan<byte> query, double speedFactor, int maxAdditional, [NotNullWhen(true)] out DevicePoint? point)
    {
        query = query is [(byte)'?', .. var rest] ? rest : query;
        if (query.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) >= 0)
        {
            throw new DeviceRequestException("the query string must be ASCII (percent-encoded UTF-8)");
        }

        var fields = new Fields(speedFactor, maxAdditional);
        point = FormFields.Read(query, ref fields) == 0 ? null : fields.ToPoint();
        return point is not null;
    }

    /// <summary>The point in a form body (or a query string's bytes).</summary>
    /// <inheritdoc cref="TryDecodeQuery" path="/param"/>
    public static DevicePoint DecodeForm(ReadOnlySpan<byte> form, double speedFactor, int maxAdditional)
    {
        var fields = new Fields(speedFactor, maxAdditional);
        FormFields.Read(form, ref fields);
        return fields.ToPoint();
    }

    /// <summary>The parameters read so far: a struct filled in place, once per device request.</summary>
    private struct Fields(double speedFactor, int maxAdditional) : FormFields.IVisitor
    {
        private string? _deviceId;
        private DateTimeOffset? _time;
        private bool _valid = true;
        private double? _lat, _lon, _speed, _heading, _altitude, _accuracy, _battery;
        private bool? _ignition;
        private List<KeyValuePair<string, string>>? _additional;

        public void Field(string key, ReadOnlySpan<byte> value)
        {
            switch (key)
            {
                case "id" or "deviceid":
                    _deviceId = PointValues.DeviceId(key, FormFields.Text(value));
                    break;
                case "valid":
                    _valid = PointValues.Bool(key, value);
                    break;
                case "timestamp":
                    _time = PointValues.Timestamp(key, value);
                    break;
                case "lat":
                    _lat = PointValues.Number(key, value, -90, 90);
                    break;
                case "lon":
                    _lon = PointValues.Number(key, value, -180, 180);
                    break;
                case "location":
                    var comma = value.IndexOf((byte)',');
                    if (comma < 0)
                    {
                        throw new DeviceRequestException("location must be lat,lon");
                    }

                    _lat = PointValues.Number("location latitude", value[..comma], -90, 90);
                    _lon = PointValues.Number("location longitude", value[(comma + 1)..], -180, 180);
                    break;
                case "speed":
                    _speed = PointValues.Speed(key, PointValues.Number(key, value, double.MinValue, double.MaxValue), speedFactor);
                    break;
                case "bearing" or "heading":
                    _heading = PointValues.Number(key, value, 0, 360);
                    break;
                case "altitude":
                    _altitude = PointValues.Number(key, value, -100_000, 100_000);
                    break;
                case "accuracy":
                    _accuracy = PointValues.Number(key, value, 0, 10_000_000);
                    break;
                case "batt":
                    _battery = PointValues.Number(key, value, 0, 100);
                    break;
                case "ignition":
                    _ignition = PointValues.Bool(key, value);
                    break;
                case "hdop":
                    PointValues.Additional(_additional ??= [], key, PointValues.Text(PointValues.Number(key, value, 0, 1000)), maxAdditional);
                    break;
                case "charge":
                    PointValues.Additional(_additional ??= [], key, PointValues.Bool(key, value) ? "true" : "false", maxAdditional);
                    break;
                default:
                    // driverUniqueId and everything else, as sent.
                    PointValues.Additional(_additional ??= [], key, FormFields.Text(value), maxAdditional);
                    break;
            }
        }

        public readonly DevicePoint ToPoint()
        {
            if (_deviceId is null)
            {
                throw new DeviceRequestException("id (or deviceid) is required");
            }

            if (_lat.HasValue != _lon.HasValue)
            {
                throw new DeviceRequestException("lat and lon must be sent together");
            }

            return new DevicePoint(_deviceId)
            {
                Time = _time,
                Valid = _valid,
                Position = _lat is { } la && _lon is { } lo ? new GeoPoint(la, lo) : null,
                SpeedKmh = _speed,
                Heading = _heading,
                Altitude = _altitude,
                Accuracy = _accuracy,
                BatteryPercent = _battery,
                Ignition = _ignition,
                Additional = _additional ?? [],
            };
        }
    }
}

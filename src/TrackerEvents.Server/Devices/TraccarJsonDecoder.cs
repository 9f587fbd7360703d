using System.Text.Json;
using System.Text.Unicode;
using TrackerEvents.Tracking;

namespace TrackerEvents.Devices;

/// <summary>
/// The JSON format of Traccar Client 9 and later (the background-geolocation SDK's own):
/// <c>{"device_id":..,"location":{"timestamp":ISO,"coords":{latitude,longitude,accuracy,speed,heading,altitude},
/// "is_moving","odometer","event","battery":{"level":0..1,"is_charging"},"activity":{"type"},"extras":{..}}}</c>.
/// Speed is m/s. The SDK sends -1 for a speed, heading, accuracy or battery level it does not know; those
/// count as not sent. Members it adds that carry nothing for the state (<c>uuid</c>, <c>age</c>,
/// <c>speed_accuracy</c>...) are ignored.
/// </summary>
internal static class TraccarJsonDecoder
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 8 };

    public static DevicePoint Decode(ReadOnlySpan<byte> body, int maxAdditional)
    {
        if (!Utf8.IsValid(body))
        {
            throw new DeviceRequestException("the body must be UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray(), Options);
        }
        catch (JsonException)
        {
            throw new DeviceRequestException("the body is not valid JSON");
        }

        using (document)
        {
            var root = Object(document.RootElement, "the body");
            var deviceId = root.TryGetProperty("device_id", out var id) && id.ValueKind == JsonValueKind.String
                ? PointValues.DeviceId("device_id", id.GetString()!)
                : throw new DeviceRequestException("device_id is required (a string)");
            var location = root.TryGetProperty("location", out var l) ? Object(l, "location") : throw new DeviceRequestException("location is required");
            var point = new DevicePoint(deviceId);
            var additional = new List<KeyValuePair<string, string>>();
            foreach (var property in location.EnumerateObject())
            {
                var value = property.Value;
                switch (property.Name)
                {
                    case "timestamp":
                        point = point with
                        {
                            Time = value.ValueKind == JsonValueKind.String && DateStyle.TryParse(value.GetString(), out var time)
                                ? PointValues.IsoTime("location.timestamp", time)
                                : throw new DeviceRequestException("location.timestamp must be an ISO 8601 date-time"),
                        };
                        break;
                    case "coords":
                        point = Coords(point, Object(value, "location.coords"));
                        break;
                    case "is_moving":
                        point = point with { IsMoving = Bool(value, "location.is_moving") };
                        break;
                    case "battery":
                        point = Battery(point, Object(value, "location.battery"), additional, maxAdditional);
                        break;
                    case "activity":
                        if (Object(value, "location.activity").TryGetProperty("type", out var type))
                        {
                            PointValues.Additional(additional, "activity", Scalar(type, "location.activity.type"), maxAdditional);
                        }

                        break;
                    case "odometer" or "event" or "mock" or "alarm":
                        PointValues.Additional(additional, property.Name, Scalar(value, "location." + property.Name), maxAdditional);
                        break;
                    case "extras":
                        foreach (var extra in Object(value, "location.extras").EnumerateObject().Where(e => e.Value.ValueKind != JsonValueKind.Null))
                        {
                            PointValues.Additional(additional, extra.Name, Scalar(extra.Value, "location.extras." + extra.Name), maxAdditional);
                        }

                        break;
                }
            }

            return point with { Additional = additional };
        }
    }

    private static DevicePoint Coords(DevicePoint point, JsonElement coords)
    {
        double? lat = null, lon = null;
        foreach (var property in coords.EnumerateObject())
        {
            var name = "location.coords." + property.Name;
            switch (property.Name)
            {
                case "latitude":
                    lat = PointValues.InRange(name, Number(property.Value, name), -90, 90);
                    break;
                case "longitude":
                    lon = PointValues.InRange(name, Number(property.Value, name), -180, 180);
                    break;
                case "speed" when Known(property.Value, name) is { } speed:
                    point = point with { SpeedKmh = PointValues.Speed(name, speed, 3.6) };
                    break;
                case "heading" when Known(property.Value, name) is { } heading:
                    point = point with { Heading = PointValues.InRange(name, heading, 0, 360) };
                    break;
                case "accuracy" when Known(property.Value, name) is { } accuracy:
                    point = point with { Accuracy = PointValues.InRange(name, accuracy, 0, 10_000_000) };
                    break;
                case "altitude" when property.Value.ValueKind != JsonValueKind.Null:
                    point = point with { Altitude = PointValues.InRange(name, Number(property.Value, name), -100_000, 100_000) };
                    break;
            }
        }

        return lat is { } la && lon is { } lo
            ? point with { Position = new GeoPoint(la, lo) }
            : throw new DeviceRequestException("location.coords must have latitude and longitude");
    }

    private static DevicePoint Battery(DevicePoint point, JsonElement battery, List<KeyValuePair<string, string>> additional, int maxAdditional)
    {
        if (battery.TryGetProperty("level", out var level) && Known(level, "location.battery.level") is { } fraction)
        {
            point = point with { BatteryPercent = PointValues.InRange("location.battery.level", fraction, 0, 1) * 100 };
        }

        if (battery.TryGetProperty("is_charging", out var charging))
        {
            PointValues.Additional(additional, "charge", Bool(charging, "location.battery.is_charging") ? "true" : "false", maxAdditional);
        }

        return point;
    }

    private static JsonElement Object(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Object ? value : throw new DeviceRequestException($"{name} must be a JSON object");

    private static double Number(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var n) && double.IsFinite(n)
            ? n
            : throw new DeviceRequestException($"{name} must be a number");

    /// <summary>A number, or null for the SDK's "unknown" (-1) and for JSON null.</summary>
    private static double? Known(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Null ? null : Number(value, name) is var n && n == -1 ? null : n;

    private static bool Bool(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new DeviceRequestException($"{name} must be true or false"),
    };

    private static string Scalar(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => throw new DeviceRequestException($"{name} must be a string, number or boolean"),
    };
}

using System.Collections.Immutable;
using System.Text.Json;

namespace TrackerEvents.Tracking;

/// <summary>The four arrays of a tracker's readings, named as on the wire.</summary>
internal enum ReadingKind
{
    Input,
    State,
    VirtualSensor,
    Counter,
}

/// <summary>
/// One item of a tracker's readings: an input sensor (keyed by <c>sensor_id</c>), a state field (by
/// <c>field</c>), a virtual sensor (by <c>sensor_id</c>) or a counter (by <c>type</c>). The item's
/// fields other than <c>update_time</c> are kept as they were ingested.
/// </summary>
internal sealed record ReadingItem(ReadingKind Kind, string Key, JsonElement Fields, DateTimeOffset? UpdateTime)
{
    /// <summary>The sensor type (<c>type</c>) of an input or virtual sensor.</summary>
    public string? SensorType =>
        Kind is ReadingKind.Input or ReadingKind.VirtualSensor && Fields.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
            ? t.GetString()
            : null;

    /// <summary>The parts of a composite input sensor (<c>composite_sensor_ids</c>).</summary>
    public ImmutableArray<long> CompositeSensorIds
    {
        get
        {
            if (Kind != ReadingKind.Input || !Fields.TryGetProperty("composite_sensor_ids", out var ids) || ids.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            var builder = ImmutableArray.CreateBuilder<long>();
            foreach (var id in ids.EnumerateArray())
            {
                if (id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var value))
                {
                    builder.Add(value);
                }
            }

            return builder.ToImmutable();
        }
    }

    public static string KindName(ReadingKind kind) => kind switch
    {
        ReadingKind.Input => "input",
        ReadingKind.State => "state",
        ReadingKind.VirtualSensor => "virtual_sensor",
        _ => "counter",
    };

    public static ReadingKind? ParseKind(string name) => name switch
    {
        "input" => ReadingKind.Input,
        "state" => ReadingKind.State,
        "virtual_sensor" => ReadingKind.VirtualSensor,
        "counter" => ReadingKind.Counter,
        _ => null,
    };

    /// <summary>The field that keys items of a kind.</summary>
    public static string KeyField(ReadingKind kind) => kind switch
    {
        ReadingKind.Input or ReadingKind.VirtualSensor => "sensor_id",
        ReadingKind.State => "field",
        _ => "type",
    };

    /// <summary>The array an item of this kind goes in.</summary>
    public static string ArrayName(ReadingKind kind) => kind switch
    {
        ReadingKind.Input => "inputs",
        ReadingKind.State => "states",
        ReadingKind.VirtualSensor => "virtual_sensors",
        _ => "counters",
    };

    public void Write(Utf8JsonWriter writer, DateStyle dates)
    {
        writer.WriteStartObject();
        foreach (var property in Fields.EnumerateObject())
        {
            property.WriteTo(writer);
        }

        dates.Write(writer, "update_time", UpdateTime);
        writer.WriteEndObject();
    }

    public string ToCanonicalJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.Options))
        {
            Write(writer, DateStyle.Canonical);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads an item the store keeps; null if another writer left something unreadable.</summary>
    public static ReadingItem? FromCanonical(ReadingKind kind, string key, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return FromObject(kind, key, document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ReadingItem? FromObject(ReadingKind kind, string key, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        DateTimeOffset? updateTime = null;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.Options))
        {
            writer.WriteStartObject();
            foreach (var property in root.EnumerateObject())
            {
                if (property.NameEquals("update_time"))
                {
                    updateTime = DateStyle.TryParse(property.Value.GetString(), out var parsed) ? parsed : null;
                    continue;
                }

                property.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        using var fields = JsonDocument.Parse(buffer.WrittenMemory);
        return new ReadingItem(kind, key, fields.RootElement.Clone(), updateTime);
    }

    /// <summary>This item with the given fields laid over its own, as an ingested update is merged.</summary>
    public ReadingItem Merge(JsonElement update, DateTimeOffset updateTime)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.Options))
        {
            writer.WriteStartObject();
            foreach (var property in Fields.EnumerateObject())
            {
                if (!update.TryGetProperty(property.Name, out _))
                {
                    property.WriteTo(writer);
                }
            }

            foreach (var property in update.EnumerateObject())
            {
                if (!property.NameEquals("update_time"))
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        using var fields = JsonDocument.Parse(buffer.WrittenMemory);
        return this with { Fields = fields.RootElement.Clone(), UpdateTime = updateTime };
    }

    public static ReadingItem Empty(ReadingKind kind, string key)
    {
        using var document = JsonDocument.Parse("{}");
        return new ReadingItem(kind, key, document.RootElement.Clone(), null);
    }
}

using System.Globalization;
using System.Text.Json;

namespace TrackerEvents.Tracking;

/// <summary>One validated item of an ingested readings update, to be merged into the stored item with the same key.</summary>
internal sealed record ReadingUpdate(ReadingKind Kind, string Key, JsonElement Fields, DateTimeOffset? UpdateTime);

/// <summary>Validates the <c>inputs</c>, <c>states</c>, <c>virtual_sensors</c> and <c>counters</c> of an ingested readings item.</summary>
internal static class ReadingsPatch
{
    private static readonly string[] InputText = ["label", "units", "name", "type", "units_type"];

    public static List<ReadingUpdate> Parse(JsonElement item, FieldErrors errors, string path)
    {
        var updates = new List<ReadingUpdate>();
        var reader = new JsonFieldReader(errors, strict: true);
        if (!reader.Object(item, path))
        {
            return updates;
        }

        foreach (var property in item.EnumerateObject())
        {
            var at = JsonFieldReader.Join(path, property.Name);
            ReadingKind? kind = property.Name switch
            {
                "inputs" => ReadingKind.Input,
                "states" => ReadingKind.State,
                "virtual_sensors" => ReadingKind.VirtualSensor,
                "counters" => ReadingKind.Counter,
                _ => null,
            };
            if (kind is null)
            {
                if (property.Name != "tracker_id")
                {
                    reader.Unknown(at);
                }

                continue;
            }

            if (property.Value.ValueKind != JsonValueKind.Array)
            {
                errors.Add(at, "must be an array");
                continue;
            }

            var index = 0;
            foreach (var element in property.Value.EnumerateArray())
            {
                var update = ParseItem(kind.Value, element, reader, string.Create(CultureInfo.InvariantCulture, $"{at}[{index++}]"));
                if (update is not null)
                {
                    updates.Add(update);
                }
            }
        }

        return updates;
    }

    private static ReadingUpdate? ParseItem(ReadingKind kind, JsonElement element, JsonFieldReader reader, string path)
    {
        if (!reader.Object(element, path))
        {
            return null;
        }

        var before = reader.Errors.Items.Count;
        string? key = null;
        DateTimeOffset? updateTime = null;
        var hasValue = false;
        foreach (var property in element.EnumerateObject())
        {
            var at = JsonFieldReader.Join(path, property.Name);
            var v = property.Value;
            switch (kind, property.Name)
            {
                case (_, "update_time"):
                    updateTime = reader.Date(v, at, null);
                    break;
                case (ReadingKind.Input or ReadingKind.VirtualSensor, "sensor_id"):
                    key = v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var id) && id > 0
                        ? id.ToString(CultureInfo.InvariantCulture)
                        : Fail(reader, at, "must be a positive integer");
                    break;
                case (ReadingKind.State, "field"):
                case (ReadingKind.Counter, "type"):
                    key = v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 and <= 100 } text
                        ? text
                        : Fail(reader, at, "must be a non-empty string of at most 100 characters");
                    break;
                case (ReadingKind.Input or ReadingKind.Counter, "value"):
                    hasValue = true;
                    if (v.ValueKind != JsonValueKind.Null)
                    {
                        reader.Number(v, at, double.MinValue, double.MaxValue);
                    }

                    break;
                case (ReadingKind.State or ReadingKind.VirtualSensor, "value"):
                    hasValue = true;
                    reader.ScalarText(v, at);
                    break;
                case (ReadingKind.Input, "min_value" or "max_value" or "converted_value"):
                    if (v.ValueKind != JsonValueKind.Null)
                    {
                        reader.Number(v, at, double.MinValue, double.MaxValue);
                    }

                    break;
                case (ReadingKind.Input, "converted_units_type"):
                case (ReadingKind.VirtualSensor, "label" or "type"):
                    reader.NullableString(v, at, null);
                    break;
                case (ReadingKind.Input, "composite_sensor_ids"):
                    if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.Number || !x.TryGetInt64(out _)))
                    {
                        reader.Errors.Add(at, "must be an array of integers");
                    }

                    break;
                case (ReadingKind.Input, _) when InputText.Contains(property.Name):
                    reader.NullableString(v, at, null);
                    break;
                default:
                    reader.Unknown(at);
                    break;
            }
        }

        if (key is null && !element.TryGetProperty(ReadingItem.KeyField(kind), out _))
        {
            reader.Errors.Add(JsonFieldReader.Join(path, ReadingItem.KeyField(kind)), "is required");
        }

        if (!hasValue)
        {
            reader.Errors.Add(JsonFieldReader.Join(path, "value"), "is required");
        }

        return reader.Errors.Items.Count == before && key is not null ? new ReadingUpdate(kind, key, element, updateTime) : null;
    }

    private static string? Fail(JsonFieldReader reader, string path, string error)
    {
        reader.Errors.Add(path, error);
        return null;
    }
}

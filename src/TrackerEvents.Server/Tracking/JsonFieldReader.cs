using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace TrackerEvents.Tracking;

/// <summary>Typed reads of JSON values that report what is wrong instead of throwing.</summary>
internal sealed class JsonFieldReader(FieldErrors errors, bool strict)
{
    public static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    public FieldErrors Errors => errors;

    public void Unknown(FieldPath path)
    {
        if (strict)
        {
            errors.Add(path.ToString(), "unknown field");
        }
    }

    public bool Object(JsonElement value, FieldPath path)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        errors.Add(path.ToString(), "must be an object");
        return false;
    }

    /// <returns>The allowed string that the value equals (no new string), or null with an error.</returns>
    public string? Enum(JsonElement value, FieldPath path, ImmutableArray<string> allowed)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            foreach (var candidate in allowed)
            {
                if (value.ValueEquals(candidate))
                {
                    return candidate;
                }
            }
        }

        errors.Add(path.ToString(), "must be one of " + string.Join(", ", allowed.Order(StringComparer.Ordinal)));
        return null;
    }

    public DateTimeOffset? Date(JsonElement value, FieldPath path, DateTimeOffset? fallback)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String && TryParseDate(value, out var parsed))
        {
            return parsed;
        }

        errors.Add(path.ToString(), "must be an ISO 8601 date-time (e.g. 2025-10-08T18:31:28Z) or null");
        return fallback;
    }

    /// <summary>A date string read from its raw UTF-8 value; only one with escapes is unescaped into a string first.</summary>
    private static bool TryParseDate(JsonElement value, out DateTimeOffset parsed)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value); // with its quotes
        return raw.IndexOf((byte)'\\') >= 0 ? DateStyle.TryParse(value.GetString(), out parsed) : DateStyle.TryParse(raw[1..^1], out parsed);
    }

    public bool? NullableBool(JsonElement value, FieldPath path, bool? fallback)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            case JsonValueKind.Null: return null;
            default:
                errors.Add(path.ToString(), "must be a boolean or null");
                return fallback;
        }
    }

    public int? NullableInt(JsonElement value, FieldPath path, int min, int max, int? fallback)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var number = Number(value, path, min, max);
        return number is { } n ? (int)Math.Round(n, MidpointRounding.AwayFromZero) : fallback;
    }

    public double? Number(JsonElement value, FieldPath path, double min, double max)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var n) && double.IsFinite(n))
        {
            if (n >= min && n <= max)
            {
                return n;
            }

            errors.Add(path.ToString(), string.Create(CultureInfo.InvariantCulture, $"must be between {min} and {max}"));
            return null;
        }

        errors.Add(path.ToString(), "must be a number");
        return null;
    }

    public string? NullableString(JsonElement value, FieldPath path, string? fallback)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String: return value.GetString();
            case JsonValueKind.Null: return null;
            default:
                errors.Add(path.ToString(), "must be a string or null");
                return fallback;
        }
    }

    public string? ScalarText(JsonElement value, FieldPath path)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String: return value.GetString();
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False: return value.GetRawText();
            case JsonValueKind.Null: return null;
            default:
                errors.Add(path.ToString(), "must be a string, number, boolean or null");
                return null;
        }
    }

    public GeoPoint? Location(JsonElement value, FieldPath path, GeoPoint? fallback)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (!Object(value, path))
        {
            return fallback;
        }

        double? lat = null, lng = null;
        foreach (var property in value.EnumerateObject())
        {
            if (property.NameEquals("lat"u8))
            {
                lat = Number(property.Value, path.Child("lat"), -90, 90);
            }
            else if (property.NameEquals("lng"u8))
            {
                lng = Number(property.Value, path.Child("lng"), -180, 180);
            }
            else
            {
                Unknown(path.Child(property.Name));
            }
        }

        if (lat is { } la && lng is { } ln)
        {
            return new GeoPoint(la, ln);
        }

        if (!value.TryGetProperty("lat", out _) || !value.TryGetProperty("lng", out _))
        {
            errors.Add(path.ToString(), "must have both lat and lng");
        }

        return fallback;
    }

    public ImmutableArray<bool> Bools(JsonElement value, FieldPath path, ImmutableArray<bool> fallback)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(path.ToString(), "must be an array of booleans");
            return fallback;
        }

        var builder = ImmutableArray.CreateBuilder<bool>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                errors.Add(path.ToString(), "must be an array of booleans");
                return fallback;
            }

            builder.Add(item.GetBoolean());
        }

        return builder.MoveToImmutable();
    }
}

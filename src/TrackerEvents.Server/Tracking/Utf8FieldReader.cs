using System.Collections.Immutable;
using System.Text;
using System.Text.Json;

namespace TrackerEvents.Tracking;

/// <summary>
/// Typed reads of the value a <see cref="Utf8JsonReader"/> stands on, for <see cref="StoredStateReader"/>: each
/// reads what <see cref="JsonFieldReader"/> reads from a parsed document, and says false where that one would
/// report an error (the caller then leaves the whole text to the lenient reader).
/// </summary>
internal static class Utf8FieldReader
{
    /// <summary>Names a property by its (unescaped) UTF-8 name: a field number from 1 to 30, or 0 for a name not known.</summary>
    public delegate int FieldNames(ReadOnlySpan<byte> name);

    /// <summary>
    /// Moves to the next property of the object being read, and on to its value: returns the property's field
    /// (<paramref name="names"/>), 0 at the end of the properties (the caller checks that the object ended), or -1 for
    /// an escaped, unknown or repeated name (<paramref name="seen"/> holds a bit per field read).
    /// </summary>
    public static int NextField(ref Utf8JsonReader reader, FieldNames names, ref int seen)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
        {
            return 0;
        }

        var field = reader.ValueIsEscaped ? 0 : names(reader.ValueSpan);
        if (field == 0 || (seen & (1 << field)) != 0 || !reader.Read())
        {
            return -1;
        }

        seen |= 1 << field;
        return field;
    }

    /// <summary>True at null (<paramref name="isNull"/>) or at the start of an object; false at anything else.</summary>
    public static bool IsNullOrObject(ref Utf8JsonReader reader, out bool isNull)
    {
        isNull = reader.TokenType == JsonTokenType.Null;
        return isNull || reader.TokenType == JsonTokenType.StartObject;
    }

    public static bool TryBools(ref Utf8JsonReader reader, out ImmutableArray<bool> values)
    {
        values = [];
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        ImmutableArray<bool>.Builder? builder = null;
        while (reader.Read() && reader.TokenType is JsonTokenType.True or JsonTokenType.False)
        {
            (builder ??= ImmutableArray.CreateBuilder<bool>()).Add(reader.TokenType == JsonTokenType.True);
        }

        values = builder?.DrainToImmutable() ?? [];
        return reader.TokenType == JsonTokenType.EndArray;
    }

    public static bool TryDate(ref Utf8JsonReader reader, out DateTimeOffset? date)
    {
        date = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || !DateStyle.TryParse(reader.ValueSpan, out var parsed))
        {
            return false;
        }

        date = parsed;
        return true;
    }

    public static bool TryEnum(ref Utf8JsonReader reader, ImmutableArray<string> allowed, out string value)
    {
        value = "";
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped)
        {
            return false;
        }

        foreach (var candidate in allowed)
        {
            if (Ascii.Equals(reader.ValueSpan, candidate))
            {
                value = candidate;
                return true;
            }
        }

        return false;
    }

    public static bool TryBool(ref Utf8JsonReader reader, out bool? value)
    {
        value = reader.TokenType switch { JsonTokenType.True => true, JsonTokenType.False => false, _ => null };
        return reader.TokenType is JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null;
    }

    /// <summary>As <see cref="JsonFieldReader.NullableInt"/>: a number in range, rounded half away from zero, or null.</summary>
    public static bool TryInt(ref Utf8JsonReader reader, int min, int max, out int? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (!TryNumber(ref reader, min, max, out var n))
        {
            return false;
        }

        value = (int)Math.Round(n, MidpointRounding.AwayFromZero);
        return true;
    }

    public static bool TryNumber(ref Utf8JsonReader reader, double min, double max, out double value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out value) && double.IsFinite(value) && value >= min && value <= max;
    }

    public static bool TryString(ref Utf8JsonReader reader, out string? value)
    {
        value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return reader.TokenType is JsonTokenType.String or JsonTokenType.Null;
    }

    /// <summary>As <see cref="JsonFieldReader.ScalarText"/>: a string as it reads, a number or boolean as written.</summary>
    public static bool TryScalarText(ref Utf8JsonReader reader, out string? text)
    {
        text = reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            _ => null,
        };
        return text is not null || reader.TokenType == JsonTokenType.Null;
    }
}

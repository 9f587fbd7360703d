using System.Text.Json;

namespace TrackerEvents.Api;

/// <summary>
/// Parameters whose value is a JSON object or an array of objects (<c>tag</c>, <c>tag_bindings</c>): JSON in a
/// JSON body, or JSON-encoded text there or in a form or query, as Navixy passes them. What is wrong is recorded
/// like any parameter error (<see cref="ApiParameters.ThrowIfInvalid"/>).
/// </summary>
internal static class ApiJsonParameters
{
    private const int MaxEncodedLength = 64 * 1024;

    /// <summary>The parameter as JSON of the given kind (Object or Array); null if it is missing or not that.</summary>
    public static JsonElement? JsonValue(this ApiParameters parameters, string name, JsonValueKind kind, bool required)
    {
        JsonElement? value = parameters.Json is { } body && body.TryGetProperty(name, out var given) && given.ValueKind is not (JsonValueKind.Null or JsonValueKind.String)
            ? given
            : null;
        if (value is null && parameters.Has(name))
        {
            value = Decode(parameters.String(name, maxLength: MaxEncodedLength));
        }
        else if (value is null && required)
        {
            parameters.Fail(name, "is required");
            return null;
        }

        if (value is { } v && v.ValueKind == kind)
        {
            return v;
        }

        if (value is not null || parameters.Has(name))
        {
            parameters.Fail(name, kind == JsonValueKind.Object ? "must be a JSON object" : "must be a JSON array");
        }

        return null;
    }

    private static JsonElement? Decode(string? text)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

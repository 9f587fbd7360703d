namespace TrackerEvents.Tracking;

/// <summary>Collects "parameter → what is wrong" pairs while a request is validated.</summary>
internal sealed class FieldErrors
{
    private readonly List<FieldError> _errors = [];

    public bool Any => _errors.Count > 0;

    public IReadOnlyList<FieldError> Items => _errors;

    public void Add(string parameter, string error) => _errors.Add(new FieldError(parameter, error));

    /// <summary>Writes <c>"errors": [{"parameter", "error"}, ..]</c>, as the API and the WebSocket errors carry it.</summary>
    public static void Write(System.Text.Json.Utf8JsonWriter writer, IReadOnlyList<FieldError> errors)
    {
        writer.WriteStartArray("errors");
        foreach (var error in errors)
        {
            writer.WriteStartObject();
            writer.WriteString("parameter", error.Parameter);
            writer.WriteString("error", error.Error);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}

internal sealed record FieldError(string Parameter, string Error);

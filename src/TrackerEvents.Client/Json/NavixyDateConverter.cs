using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TrackerEvents.Client.Json;

/// <summary>
/// Navixy dates: ISO 8601 with an offset (<c>2025-10-08T18:31:28-06:00</c>, <c>...Z</c>), which the client asks
/// for, or the default <c>yyyy-MM-dd HH:mm:ss</c> in the user's time zone, which carries no zone and is read as UTC.
/// Written as ISO 8601 with the offset.
/// </summary>
internal sealed class NavixyDateConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var iso))
        {
            return iso;
        }

        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        if (text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return parsed;
        }

        throw new JsonException($"Not a date: {(text ?? reader.TokenType.ToString())}");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString(
            value.Offset == TimeSpan.Zero ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
}

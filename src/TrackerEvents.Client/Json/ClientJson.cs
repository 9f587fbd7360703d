using System.Text.Json;
using System.Text.Json.Serialization;

namespace TrackerEvents.Client.Json;

/// <summary>The source-generated serializers: snake_case names, nulls left out, dates through <see cref="NavixyDateConverter"/>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    Converters = [typeof(NavixyDateConverter)])]
[JsonSerializable(typeof(ActionMessage))]
[JsonSerializable(typeof(StateMessage))]
[JsonSerializable(typeof(StateBatchMessage))]
[JsonSerializable(typeof(ReadingsBatchMessage))]
[JsonSerializable(typeof(IotMonitorMessage))]
[JsonSerializable(typeof(LifecycleMessage))]
[JsonSerializable(typeof(ElementMessage))]
[JsonSerializable(typeof(ReplyMessage))]
[JsonSerializable(typeof(ApiEnvelope))]
[JsonSerializable(typeof(AuthAnswer))]
[JsonSerializable(typeof(TrackerListAnswer))]
[JsonSerializable(typeof(TrackerStates))]
[JsonSerializable(typeof(ReadingsAnswer))]
[JsonSerializable(typeof(TrackerState))]
[JsonSerializable(typeof(TrackerReadings))]
[JsonSerializable(typeof(LifecycleChange))]
[JsonSerializable(typeof(IotTrackerValues))]
[JsonSerializable(typeof(ReadingsBatchItem))]
[JsonSerializable(typeof(DateTimeOffset))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
internal sealed partial class ClientJson : JsonSerializerContext;

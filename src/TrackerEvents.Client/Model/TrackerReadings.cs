using System.Text.Json;
using System.Text.Json.Serialization;

namespace TrackerEvents.Client;

/// <summary>
/// A tracker's sensor readings, as <c>tracker/readings/batch_list</c> answers them and <c>readings_batch</c>
/// events carry them (an event holds only what changed). A kind left out by a <c>sensor_type</c> filter is null.
/// </summary>
public record TrackerReadings
{
    /// <summary>The tracker id (not the source id).</summary>
    public long TrackerId { get; init; }

    /// <summary>Metering sensors.</summary>
    public IReadOnlyList<SensorReading>? Inputs { get; init; }

    /// <summary>State values by field.</summary>
    public IReadOnlyList<StateReading>? States { get; init; }

    /// <summary>Virtual sensors.</summary>
    public IReadOnlyList<VirtualSensorReading>? VirtualSensors { get; init; }

    /// <summary>Counters (odometer, engine hours).</summary>
    public IReadOnlyList<CounterReading>? Counters { get; init; }

    /// <summary>When the event was made (events only).</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Fields this type does not name.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>A metering sensor's reading (an item of <c>inputs</c>).</summary>
public sealed record SensorReading
{
    /// <summary>The sensor id.</summary>
    public long SensorId { get; init; }

    /// <summary>The value.</summary>
    public double? Value { get; init; }

    /// <summary>The sensor's label.</summary>
    public string? Label { get; init; }

    /// <summary>The units' label.</summary>
    public string? Units { get; init; }

    /// <summary>The input's name (<c>fuel_level</c>).</summary>
    public string? Name { get; init; }

    /// <summary>The metering sensor type (<c>fuel</c>, <c>temperature</c>, ...).</summary>
    public string? Type { get; init; }

    /// <summary>The units type (<c>litre</c>).</summary>
    public string? UnitsType { get; init; }

    /// <summary>When it was read.</summary>
    public DateTimeOffset? UpdateTime { get; init; }

    /// <summary>The value in the user's units, where converted.</summary>
    public double? ConvertedValue { get; init; }

    /// <summary>The user's units type, where converted.</summary>
    public string? ConvertedUnitsType { get; init; }

    /// <summary>Fields this type does not name (<c>min_value</c>, <c>composite_sensor_ids</c>, ...).</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>A state value (an item of <c>states</c>).</summary>
public sealed record StateReading
{
    /// <summary>The field's name.</summary>
    public string Field { get; init; } = "";

    /// <summary>The value (string, number, boolean or null).</summary>
    public JsonElement? Value { get; init; }

    /// <summary>When it was read.</summary>
    public DateTimeOffset? UpdateTime { get; init; }
}

/// <summary>A virtual sensor's value (an item of <c>virtual_sensors</c>).</summary>
public sealed record VirtualSensorReading
{
    /// <summary>The sensor id.</summary>
    public long SensorId { get; init; }

    /// <summary>The value.</summary>
    public JsonElement? Value { get; init; }

    /// <summary>The sensor's label.</summary>
    public string? Label { get; init; }

    /// <summary><c>state</c> or <c>virtual_ignition</c>.</summary>
    public string? Type { get; init; }

    /// <summary>When it was computed.</summary>
    public DateTimeOffset? UpdateTime { get; init; }
}

/// <summary>A counter (an item of <c>counters</c>).</summary>
public sealed record CounterReading
{
    /// <summary>The counter type (<c>odometer</c>, <c>engine_hours</c>).</summary>
    public string Type { get; init; } = "";

    /// <summary>The value.</summary>
    public double? Value { get; init; }

    /// <summary>When it was read.</summary>
    public DateTimeOffset? UpdateTime { get; init; }
}

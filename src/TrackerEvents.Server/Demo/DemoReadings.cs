using System.Text.Json;
using TrackerEvents.Tracking;

namespace TrackerEvents.Demo;

/// <summary>The sensors of a demo vehicle: fuel level, cabin temperature, board voltage, ignition, odometer.</summary>
internal static class DemoReadings
{
    public static IReadOnlyList<ReadingUpdate> Initial(long trackerId) =>
    [
        Input(1000 + trackerId * 10, "Fuel level", "fuel", "litre", 80, "fuel_level"),
        Input(1001 + trackerId * 10, "Cabin temperature", "temperature", "celsius", 21.5, "temperature_1"),
        Input(1002 + trackerId * 10, "Board voltage", "power", "volt", 13.8, "board_voltage"),
        Item(ReadingKind.State, "input_status", w => w.WriteNumber("value", 0), "field", "input_status"),
        Item(ReadingKind.VirtualSensor, IgnitionSensorId(trackerId).ToString(System.Globalization.CultureInfo.InvariantCulture), w =>
        {
            w.WriteNumber("sensor_id", IgnitionSensorId(trackerId));
            w.WriteString("value", IgnitionValue(false)); // the seeded state is parked with the ignition off
            w.WriteString("label", "Ignition");
            w.WriteString("type", "virtual_ignition");
        }),
        Item(ReadingKind.Counter, "odometer", w => w.WriteNumber("value", 12000 + trackerId % 100 * 100), "type", "odometer"),
    ];

    /// <summary>The virtual ignition sensor of a demo vehicle.</summary>
    public static long IgnitionSensorId(long trackerId) => 1003 + trackerId * 10;

    /// <summary>The virtual ignition's value for the state's <c>ignition</c>.</summary>
    public static string IgnitionValue(bool ignition) => ignition ? "on" : "off";

    public static ReadingUpdate Input(long sensorId, string label, string type, string unitsType, double value, string name) =>
        Item(ReadingKind.Input, sensorId.ToString(System.Globalization.CultureInfo.InvariantCulture), w =>
        {
            w.WriteNumber("sensor_id", sensorId);
            w.WriteNumber("value", value);
            w.WriteString("label", label);
            w.WriteString("units", "");
            w.WriteString("name", name);
            w.WriteString("type", type);
            w.WriteString("units_type", unitsType);
            w.WriteNull("converted_units_type");
            w.WriteNull("converted_value");
        });

    public static ReadingUpdate Item(ReadingKind kind, string key, Action<Utf8JsonWriter> fields, string? keyField = null, string? keyValue = null) =>
        new(kind, key, DemoSeeder.Json(w =>
        {
            if (keyField is not null)
            {
                w.WriteString(keyField, keyValue);
            }

            fields(w);
        }), null);
}

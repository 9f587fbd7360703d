namespace TrackerEvents.Tracking;

/// <summary>
/// The <c>sensor_type</c> and <c>include_components</c> options of the readings calls and of
/// <c>readings_batch</c> subscriptions.
/// </summary>
internal sealed record ReadingsFilter(string? SensorType, bool IncludeComponents)
{
    public static readonly ReadingsFilter All = new(null, true);

    public static readonly IReadOnlySet<string> SensorTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "fuel", "temperature", "rpm", "custom", "fuel_consumption", "instant_consumption", "power", "speed",
        "flow_meter", "acceleration", "state", "virtual_ignition",
    };

    /// <summary>
    /// Whether an item goes out. With a sensor type, only inputs and virtual sensors of that type do
    /// (state values and counters are omitted). Without components, inputs that are parts of a
    /// composite sensor of the same tracker (<paramref name="componentIds"/>) are left out.
    /// </summary>
    public bool Includes(ReadingItem item, IReadOnlySet<long> componentIds)
    {
        if (SensorType is not null)
        {
            if (item.Kind is ReadingKind.State or ReadingKind.Counter || item.SensorType != SensorType)
            {
                return false;
            }
        }

        if (!IncludeComponents && item.Kind == ReadingKind.Input
            && long.TryParse(item.Key, System.Globalization.CultureInfo.InvariantCulture, out var id) && componentIds.Contains(id))
        {
            return false;
        }

        return true;
    }

    /// <summary>
    /// Whether answers carry the array of <paramref name="kind"/>: with a sensor type, state values and
    /// counters are omitted (the arrays are left out, not sent empty).
    /// </summary>
    public bool Sends(ReadingKind kind) => SensorType is null || kind is ReadingKind.Input or ReadingKind.VirtualSensor;

    /// <summary>Writes the arrays this filter sends, each with the items of its kind that pass, as properties of the current object.</summary>
    public void WriteArrays(System.Text.Json.Utf8JsonWriter writer, IEnumerable<ReadingItem> items, IReadOnlySet<long> componentIds, DateStyle dates)
    {
        var list = items as IReadOnlyCollection<ReadingItem> ?? items.ToList();
        foreach (var kind in (ReadOnlySpan<ReadingKind>)[ReadingKind.Input, ReadingKind.State, ReadingKind.VirtualSensor, ReadingKind.Counter])
        {
            if (!Sends(kind))
            {
                continue;
            }

            writer.WriteStartArray(ReadingItem.ArrayName(kind));
            foreach (var item in list)
            {
                if (item.Kind == kind && Includes(item, componentIds))
                {
                    item.Write(writer, dates);
                }
            }

            writer.WriteEndArray();
        }
    }

    /// <summary>The sensor ids that are parts of composite sensors among a tracker's items.</summary>
    public static HashSet<long> ComponentIds(IEnumerable<ReadingItem> items)
    {
        var ids = new HashSet<long>();
        foreach (var item in items)
        {
            foreach (var id in item.CompositeSensorIds)
            {
                ids.Add(id);
            }
        }

        return ids;
    }
}

using System.Globalization;
using System.Text.Json;
using TrackerEvents.Messages;
using TrackerEvents.Store;
using TrackerEvents.Tracking;

namespace TrackerEvents.Api;

/// <summary><c>tracker/readings/list</c> and <c>tracker/readings/batch_list</c>.</summary>
internal static class ReadingsEndpoints
{
    public static void MapReadings(this IEndpointRouteBuilder routes, string basePath)
    {
        routes.MapApi<TrackerStore, ReadingStore>(basePath + "/tracker/readings/list", ListAsync);
        routes.MapApi<TrackerStore, ReadingStore>(basePath + "/tracker/readings/batch_list", BatchListAsync);
    }

    private static async Task<ApiFields> ListAsync(ApiContext call, TrackerStore trackers, ReadingStore readingStore)
    {
        var filter = ReadFilter(call.Parameters);
        var tracker = await TrackerEndpoints.RequireTrackerAsync(call, trackers, ApiError.EntityNotFound);
        if (tracker.Blocked)
        {
            throw new ApiException(ApiError.DeviceBlocked);
        }

        var readings = await readingStore.GetReadingsAsync([tracker.Id], call.Session.UserId, call.Aborted);
        var items = readings[tracker.Id];
        return writer => WriteArrays(writer, items, filter, call.Dates);
    }

    private static async Task<ApiFields> BatchListAsync(ApiContext call, TrackerStore trackerStore, ReadingStore readingStore)
    {
        var p = call.Parameters;
        var ids = p.LongArray("trackers", required: true, maxCount: TrackerEndpoints.MaxStates);
        var filter = ReadFilter(p);
        var trackers = await trackerStore.GetTrackersAsync(call.Session.UserId, ids!, call.Aborted);
        var distinct = ids!.Distinct().ToList();
        if (distinct.Any(id => !trackers.TryGetValue(id, out var t) || t.Corrupted))
        {
            throw new ApiException(ApiError.NonexistentEntities);
        }

        if (distinct.Any(id => trackers[id].Blocked))
        {
            throw new ApiException(ApiError.DeviceBlocked);
        }

        var readings = await readingStore.GetReadingsAsync(distinct, call.Session.UserId, call.Aborted);
        return writer =>
        {
            writer.WriteStartObject("result");
            foreach (var id in distinct)
            {
                writer.WriteStartObject(id.ToString(CultureInfo.InvariantCulture));
                WriteArrays(writer, readings[id], filter, call.Dates);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        };
    }

    private static ReadingsFilter ReadFilter(ApiParameters p)
    {
        var sensorType = p.String("sensor_type", maxLength: 64);
        if (sensorType is not null && !ReadingsFilter.SensorTypes.Contains(sensorType))
        {
            p.Fail("sensor_type", "must be one of " + string.Join(", ", ReadingsFilter.SensorTypes.Order(StringComparer.Ordinal)));
        }

        var includeComponents = p.Bool("include_components") ?? true;
        p.ThrowIfInvalid();
        return new ReadingsFilter(sensorType, includeComponents);
    }

    /// <summary>The arrays of one tracker's readings, filtered.</summary>
    public static void WriteArrays(Utf8JsonWriter writer, IReadOnlyList<ReadingItem> items, ReadingsFilter filter, DateStyle dates) =>
        filter.WriteArrays(writer, items, filter.IncludeComponents ? new HashSet<long>() : ReadingsFilter.ComponentIds(items), dates);
}

using TrackerEvents.Messages;
using TrackerEvents.Store;
using TrackerEvents.Tracking;

namespace TrackerEvents.Api;

/// <summary>
/// <c>tracker/list</c>, <c>tracker/read</c>, <c>tracker/get_state</c>, <c>tracker/get_states</c> and
/// <c>tracker/get_last_gps_point</c>.
/// Another user's tracker is indistinguishable from one that does not exist.
/// </summary>
internal static class TrackerEndpoints
{
    public const int MaxStates = 2000;

    public static void MapTrackers(this IEndpointRouteBuilder routes, string basePath)
    {
        routes.MapApi<TrackerStore, TagStore>(basePath + "/tracker/list", ListAsync);
        routes.MapApi<TrackerStore, TagStore>(basePath + "/tracker/read", ReadAsync);
        routes.MapApi<TrackerStore, StateStore>(basePath + "/tracker/get_state", GetStateAsync);
        routes.MapApi<TrackerStore, StateStore>(basePath + "/tracker/get_states", GetStatesAsync);
        routes.MapApi<TrackerStore, StateStore>(basePath + "/tracker/get_last_gps_point", GetLastGpsPointAsync);
    }

    private static async Task<ApiFields> ListAsync(ApiContext call, TrackerStore trackerStore, TagStore tags)
    {
        var labels = call.Parameters.StringArray("labels", required: false, maxCount: 1024, maxLength: 60);
        call.Parameters.ThrowIfInvalid();
        var trackers = await trackerStore.ListTrackersAsync(call.Session.UserId, call.Aborted);
        var listed = labels is null
            ? trackers
            : trackers.Where(t => labels.Any(l => t.Label.Contains(l, StringComparison.OrdinalIgnoreCase))).ToList();
        var bindings = await tags.GetBindingsAsync([.. listed.Select(t => t.Id)], call.Aborted);
        return writer =>
        {
            writer.WriteStartArray("list");
            foreach (var tracker in listed)
            {
                TrackerJson.Write(writer, tracker, bindings.GetValueOrDefault(tracker.Id, []));
            }

            writer.WriteEndArray();
        };
    }

    private static async Task<ApiFields> ReadAsync(ApiContext call, TrackerStore trackers, TagStore tags)
    {
        var tracker = await RequireTrackerAsync(call, trackers, ApiError.NotFound);
        var bindings = await tags.GetBindingsAsync([tracker.Id], call.Aborted);
        return writer =>
        {
            writer.WritePropertyName("value");
            TrackerJson.Write(writer, tracker, bindings.GetValueOrDefault(tracker.Id, []));
        };
    }

    private static async Task<ApiFields> GetStateAsync(ApiContext call, TrackerStore trackers, StateStore stateStore)
    {
        var (tracker, state) = await RequireStateAsync(call, trackers, stateStore);
        return writer =>
        {
            call.WriteUserTime(writer);
            writer.WritePropertyName("state");
            StateWriter.Write(writer, state, tracker.SourceId, StateFormat.Full, call.Dates);
        };
    }

    private static async Task<ApiFields> GetStatesAsync(ApiContext call, TrackerStore trackerStore, StateStore stateStore)
    {
        var p = call.Parameters;
        var ids = p.LongArray("trackers", required: true, maxCount: MaxStates);
        var listBlocked = p.Bool("list_blocked") ?? false;
        var allowNotExist = p.Bool("allow_not_exist") ?? false;
        p.ThrowIfInvalid();

        var trackers = await trackerStore.GetTrackersAsync(call.Session.UserId, ids!, call.Aborted);
        var readable = new List<TrackerRow>();
        var blocked = new List<long>();
        var notExist = new List<long>();
        foreach (var id in ids!.Distinct())
        {
            if (!trackers.TryGetValue(id, out var tracker))
            {
                notExist.Add(id);
                if (!allowNotExist)
                {
                    throw new ApiException(ApiError.NonexistentEntities);
                }
            }
            else if (tracker.Corrupted)
            {
                notExist.Add(id);
                if (!allowNotExist)
                {
                    throw new ApiException(ApiError.NotFound);
                }
            }
            else if (tracker.Blocked)
            {
                blocked.Add(id);
                if (!listBlocked)
                {
                    throw new ApiException(ApiError.DeviceBlocked);
                }
            }
            else
            {
                readable.Add(tracker);
            }
        }

        var states = await stateStore.GetStatesAsync(readable.Select(t => t.Id).ToList(), call.Session.UserId, call.Aborted);
        return writer =>
        {
            call.WriteUserTime(writer);
            writer.WriteStartObject("states");
            foreach (var tracker in readable)
            {
                writer.WritePropertyName(tracker.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                StateWriter.Write(writer, states.GetValueOrDefault(tracker.Id, TrackerState.Initial), tracker.SourceId, StateFormat.Full, call.Dates);
            }

            writer.WriteEndObject();
            if (listBlocked)
            {
                WriteIds(writer, "blocked", blocked);
            }

            if (allowNotExist)
            {
                WriteIds(writer, "not_exist", notExist);
            }
        };
    }

    /// <summary>
    /// The last point located by GPS (GSM LBS points left out): <c>get_time</c> (the fix's time), <c>heading</c>,
    /// <c>lat</c>, <c>lng</c>, <c>speed</c>, and <c>precision</c> when known and not 0; <c>value</c> is null for a
    /// tracker that never sent one. States carry no satellite count, so <c>satellites</c> is left out.
    /// </summary>
    private static async Task<ApiFields> GetLastGpsPointAsync(ApiContext call, TrackerStore trackers, StateStore stateStore)
    {
        var (_, state) = await RequireStateAsync(call, trackers, stateStore);
        var point = state.LastGpsPoint;
        return writer =>
        {
            if (point?.Location is not { } location)
            {
                writer.WriteNull("value");
                return;
            }

            writer.WriteStartObject("value");
            call.Dates.Write(writer, "get_time", point.Updated);
            writer.WriteNumber("heading", point.Heading);
            writer.WriteNumber("lat", location.Lat);
            writer.WriteNumber("lng", location.Lng);
            writer.WriteNumber("speed", point.Speed);
            if (point.Precision is { } precision and not 0)
            {
                writer.WriteNumber("precision", precision);
            }

            writer.WriteEndObject();
        };
    }

    /// <summary>The caller's tracker named by <c>tracker_id</c> and its state: 201 if it is not theirs or was removed, 208 if blocked.</summary>
    private static async Task<(TrackerRow Tracker, TrackerState State)> RequireStateAsync(ApiContext call, TrackerStore trackers, StateStore stateStore)
    {
        var tracker = await RequireTrackerAsync(call, trackers, ApiError.NotFound);
        if (tracker.Blocked)
        {
            throw new ApiException(ApiError.DeviceBlocked);
        }

        var states = await stateStore.GetStatesAsync([tracker.Id], call.Session.UserId, call.Aborted);
        return (tracker, states.GetValueOrDefault(tracker.Id, TrackerState.Initial));
    }

    /// <summary>The caller's tracker named by <c>tracker_id</c>; <paramref name="notFound"/> if it is not theirs or was removed.</summary>
    public static async Task<TrackerRow> RequireTrackerAsync(ApiContext call, TrackerStore trackerStore, ApiError notFound)
    {
        var id = call.Parameters.Long("tracker_id", required: true);
        call.Parameters.ThrowIfInvalid();
        var trackers = await trackerStore.GetTrackersAsync(call.Session.UserId, [id!.Value], call.Aborted);
        return trackers.TryGetValue(id.Value, out var tracker) && !tracker.Corrupted ? tracker : throw new ApiException(notFound);
    }

    private static void WriteIds(System.Text.Json.Utf8JsonWriter writer, string name, List<long> ids)
    {
        writer.WriteStartArray(name);
        foreach (var id in ids)
        {
            writer.WriteNumberValue(id);
        }

        writer.WriteEndArray();
    }
}

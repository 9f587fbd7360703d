using System.Globalization;
using System.Text.Json;
using TrackerEvents.Api;
using TrackerEvents.Messages;
using TrackerEvents.Store;
using TrackerEvents.Tracking;

namespace TrackerEvents.Admin;

/// <summary>
/// <c>POST /ingest/states</c> and <c>POST /ingest/readings</c>: how tracker data gets in. A batch is
/// validated whole before anything is written, and written in one transaction: all or nothing.
/// </summary>
internal static class IngestEndpoints
{
    public static void MapIngest(this IEndpointRouteBuilder routes)
    {
        routes.MapAdminCall<StateStore>("/ingest/states", IngestStatesAsync, ingest: true);
        routes.MapAdminCall<ReadingStore>("/ingest/readings", IngestReadingsAsync, ingest: true);
    }

    private static async Task<ApiFields> IngestStatesAsync(AdminCall call, StateStore states)
    {
        var items = RequireItems(call, "states");
        var errors = new FieldErrors();
        var updates = new List<StateUpdate>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var path = Item("states", i);
            if (TrackerId(items[i], path, errors) is { } trackerId)
            {
                // Validation only: the merge onto the stored state happens inside the write transaction.
                StatePatch.Apply(TrackerState.Initial, items[i], DateTimeOffset.UnixEpoch, errors, path, strict: true);
                updates.Add(new StateUpdate(trackerId, items[i]));
            }
        }

        ThrowIfInvalid(errors);
        var accepted = await Write(() => states.IngestStatesAsync(updates, call.Aborted), "states");
        return writer => writer.WriteNumber("accepted", accepted);
    }

    private static async Task<ApiFields> IngestReadingsAsync(AdminCall call, ReadingStore readings)
    {
        var items = RequireItems(call, "readings");
        var errors = new FieldErrors();
        var updates = new List<ReadingsUpdate>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var path = Item("readings", i);
            if (TrackerId(items[i], path, errors) is { } trackerId)
            {
                updates.Add(new ReadingsUpdate(trackerId, ReadingsPatch.Parse(items[i], errors, path)));
            }
        }

        ThrowIfInvalid(errors);
        var accepted = await Write(() => readings.IngestReadingsAsync(updates, call.Aborted), "readings");
        return writer => writer.WriteNumber("accepted", accepted);
    }

    private static List<JsonElement> RequireItems(AdminCall call, string name)
    {
        var max = call.Options.MaxBatchItems;
        if (call.Parameters.Json is not { } body || !body.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.Invalid(name, "is required: a JSON body with an array of items");
        }

        var count = array.GetArrayLength();
        if (count == 0 || count > max)
        {
            throw ApiException.Invalid(name, string.Create(CultureInfo.InvariantCulture, $"must hold 1 to {max} items"));
        }

        return [.. array.EnumerateArray()];
    }

    private static long? TrackerId(JsonElement item, string path, FieldErrors errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path, "must be an object");
            return null;
        }

        if (item.TryGetProperty("tracker_id", out var id) && id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var value) && value > 0)
        {
            return value;
        }

        errors.Add(path + ".tracker_id", "is required: a positive integer");
        return null;
    }

    private static async Task<int> Write(Func<Task<int>> write, string name)
    {
        try
        {
            return await write();
        }
        catch (StoreConflictException e) when (e.Conflict == StoreConflict.UnknownTracker && e.ItemIndex is { } index)
        {
            throw ApiException.Invalid(Item(name, index) + ".tracker_id", "no such tracker");
        }
    }

    private static void ThrowIfInvalid(FieldErrors errors)
    {
        if (errors.Any)
        {
            throw new ApiException(ApiError.InvalidParameters, errors.Items.Take(100).ToList());
        }
    }

    private static string Item(string name, int index) => string.Create(CultureInfo.InvariantCulture, $"{name}[{index}]");
}

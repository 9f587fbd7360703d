using System.Globalization;
using System.Text.Json;
using TrackerEvents.Api;
using TrackerEvents.Messages;
using TrackerEvents.Store;
using TrackerEvents.Tracking;

namespace TrackerEvents.Admin;

/// <summary>
/// <c>POST /admin/trackers/bulk</c>: <c>{"trackers":[{"login":..,"label":..,"device_id":..,"model":..},..]}</c>
/// creates many trackers in one call (fleet imports, benchmark set-up). Each item takes the fields of
/// <c>POST /admin/trackers</c>; the batch is validated whole and written in one transaction, all or
/// nothing, like an ingest batch: a bad item, an unknown login or a device id in use rejects it with
/// error 7 naming the item and field. The answer lists <c>id</c> and <c>source_id</c> in item order.
/// </summary>
internal static class BulkTrackerEndpoint
{
    public static async Task<ApiFields> CreateAsync(AdminCall call, UserStore userStore, TrackerStore trackerStore)
    {
        var max = call.Options.MaxBatchItems;
        if (call.Parameters.Json is not { } body || !body.TryGetProperty("trackers", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.Invalid("trackers", "is required: a JSON body with an array of trackers");
        }

        var count = array.GetArrayLength();
        if (count == 0 || count > max)
        {
            throw ApiException.Invalid("trackers", string.Create(CultureInfo.InvariantCulture, $"must hold 1 to {max} items"));
        }

        var errors = new FieldErrors();
        var items = new List<(string Login, NewTracker Tracker)>(count);
        var deviceIds = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var path = Item(index++);
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(path, "must be an object");
                continue;
            }

            var login = String(item, "login", path, errors, required: true, maxLength: 254)?.ToLowerInvariant();
            var label = String(item, "label", path, errors, required: true, maxLength: 100);
            var deviceId = String(item, "device_id", path, errors, required: true, maxLength: 32);
            if (deviceId is not null && !AdminEndpoints.DeviceId().IsMatch(deviceId))
            {
                errors.Add(path + ".device_id", "must consist of 6-32 alphanumeric symbols or hyphens");
            }
            else if (deviceId is not null && !deviceIds.Add(deviceId))
            {
                errors.Add(path + ".device_id", "already in use (an earlier item of this batch)");
            }

            var model = String(item, "model", path, errors, required: true, maxLength: 64);
            long groupId = 0;
            if (item.TryGetProperty("group_id", out var group) && group.ValueKind != JsonValueKind.Null
                && !(group.ValueKind == JsonValueKind.Number && group.TryGetInt64(out groupId) && groupId >= 0))
            {
                errors.Add(path + ".group_id", "must be an integer of at least 0");
            }

            var phone = String(item, "phone", path, errors, required: false, maxLength: 32);
            var tariffEnd = String(item, "tariff_end_date", path, errors, required: false, maxLength: 10);
            if (tariffEnd is not null && !DateOnly.TryParseExact(tariffEnd, "yyyy-MM-dd", out _))
            {
                errors.Add(path + ".tariff_end_date", "must be a date as yyyy-MM-dd");
            }

            if (login is not null && label is not null && deviceId is not null && model is not null)
            {
                items.Add((login, new NewTracker(0, label, deviceId, model, groupId, phone, tariffEnd)));
            }
        }

        ThrowIfInvalid(errors);
        var users = new Dictionary<string, long>(StringComparer.Ordinal);
        var trackers = new List<NewTracker>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var (login, tracker) = items[i];
            if (!users.TryGetValue(login, out var userId))
            {
                var user = await userStore.FindUserAsync(login, call.Aborted);
                if (user is null)
                {
                    errors.Add(Item(i) + ".login", "no such user");
                    continue;
                }

                users[login] = userId = user.Id;
            }

            trackers.Add(tracker with { UserId = userId });
        }

        ThrowIfInvalid(errors);
        IReadOnlyList<(long TrackerId, long SourceId)> created;
        try
        {
            created = await trackerStore.CreateTrackersAsync(trackers, call.Aborted);
        }
        catch (StoreConflictException e) when (e.Conflict == StoreConflict.DeviceIdInUse && e.ItemIndex is { } i)
        {
            throw ApiException.Invalid(Item(i) + ".device_id", "already in use");
        }

        return writer =>
        {
            writer.WriteStartArray("trackers");
            foreach (var (id, sourceId) in created)
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", id);
                writer.WriteNumber("source_id", sourceId);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        };
    }

    private static string? String(JsonElement item, string name, string path, FieldErrors errors, bool required, int maxLength)
    {
        if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors.Add(path + "." + name, "is required");
            }

            return null;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (string.IsNullOrEmpty(text) || text.Length > maxLength)
        {
            errors.Add(path + "." + name, string.Create(CultureInfo.InvariantCulture, $"must be a string of 1 to {maxLength} characters"));
            return null;
        }

        return text;
    }

    private static void ThrowIfInvalid(FieldErrors errors)
    {
        if (errors.Any)
        {
            throw new ApiException(ApiError.InvalidParameters, errors.Items.Take(100).ToList());
        }
    }

    private static string Item(int index) => string.Create(CultureInfo.InvariantCulture, $"trackers[{index}]");
}

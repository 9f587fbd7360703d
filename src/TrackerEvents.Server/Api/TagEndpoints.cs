using System.Globalization;
using System.Text.Json;
using TrackerEvents.Messages;
using TrackerEvents.Store;

namespace TrackerEvents.Api;

/// <summary>
/// <c>tag/list</c> and <c>tag/create</c>, the tags behind the trackers' <c>tag_bindings</c>, and
/// <c>tracker/tags/set</c>, which binds them. Tags belong to one user; another user's tag is unknown.
/// </summary>
internal static class TagEndpoints
{
    private const int MaxNameLength = 60;

    public static void MapTags(this IEndpointRouteBuilder routes, string basePath)
    {
        routes.MapApi<TagStore>(basePath + "/tag/list", ListAsync);
        routes.MapApi<TagStore>(basePath + "/tag/create", CreateAsync);
        routes.MapApi<TrackerStore, TagStore>(basePath + "/tracker/tags/set", SetAsync);
    }

    private static async Task<ApiFields> ListAsync(ApiContext call, TagStore tags)
    {
        var filter = call.Parameters.String("filter", maxLength: MaxNameLength);
        if (filter is { Length: < 3 })
        {
            call.Parameters.Fail("filter", "must be 3 to 60 characters");
        }

        call.Parameters.ThrowIfInvalid();
        var listed = (await tags.ListTagsAsync(call.Session.UserId, call.Aborted))
            .Where(t => filter is null || t.Name.Contains(filter, StringComparison.OrdinalIgnoreCase));
        return writer =>
        {
            writer.WriteStartArray("list");
            foreach (var tag in listed)
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", tag.Id);
                if (tag.AvatarFileName is { } avatar)
                {
                    writer.WriteString("avatar_file_name", avatar);
                }

                writer.WriteString("name", tag.Name);
                writer.WriteString("color", tag.Color);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        };
    }

    /// <summary><c>tag</c>: a tag object without <c>id</c>: <c>name</c>, <c>color</c> (RGB hex, <c>FF0000</c>), <c>avatar_file_name</c>.</summary>
    private static async Task<ApiFields> CreateAsync(ApiContext call, TagStore tags)
    {
        var p = call.Parameters;
        var tag = p.JsonValue("tag", JsonValueKind.Object, required: true);
        string? name = null, color = null, avatar = null;
        if (tag is { } t)
        {
            name = Text(t, "name") is { Length: > 0 and <= MaxNameLength } n && !string.IsNullOrWhiteSpace(n) && !n.Any(char.IsControl) ? n : null;
            color = Text(t, "color") is { Length: 6 } c && c.All(char.IsAsciiHexDigit) ? c.ToUpperInvariant() : null;
            avatar = Text(t, "avatar_file_name");
            if (name is null)
            {
                p.Fail("tag.name", "must be 1 to 60 printable characters");
            }

            if (color is null)
            {
                p.Fail("tag.color", "must be an RGB color as 6 hex digits, e.g. FF0000");
            }

            if (avatar is { Length: 0 or > 255 } || (avatar is null && t.TryGetProperty("avatar_file_name", out var a) && a.ValueKind != JsonValueKind.Null))
            {
                p.Fail("tag.avatar_file_name", "must be a file name of 1 to 255 characters");
            }
        }

        p.ThrowIfInvalid();
        var id = await tags.CreateTagAsync(call.Session.UserId, name!, color!, avatar, call.Aborted);
        return writer => writer.WriteNumber("id", id);
    }

    /// <summary><c>tag_bindings</c>: the tracker's whole set, <c>[{"tag_id","ordinal"}]</c>, each tag and ordinal (1 to 5) once.</summary>
    private static async Task<ApiFields> SetAsync(ApiContext call, TrackerStore trackers, TagStore tags)
    {
        var p = call.Parameters;
        var given = p.JsonValue("tag_bindings", JsonValueKind.Array, required: true);
        var tracker = await TrackerEndpoints.RequireTrackerAsync(call, trackers, ApiError.NotFound);
        var own = (await tags.ListTagsAsync(call.Session.UserId, call.Aborted)).Select(t => t.Id).ToHashSet();
        var bindings = new List<TagBinding>();
        var items = given is { } array ? array.EnumerateArray().ToList() : [];
        if (items.Count > TagBinding.MaxOrdinal)
        {
            p.Fail("tag_bindings", "must hold at most 5 bindings");
            items.Clear();
        }

        var index = 0;
        foreach (var item in items)
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"tag_bindings[{index++}]");
            var tagId = Number(item, "tag_id");
            var ordinal = Number(item, "ordinal");
            if (tagId is not { } id || !own.Contains(id) || bindings.Any(b => b.TagId == id))
            {
                p.Fail(at + ".tag_id", "must be the id of one of your tags, once");
            }
            else if (ordinal is not (>= 1 and <= TagBinding.MaxOrdinal) || bindings.Any(b => b.Ordinal == ordinal))
            {
                p.Fail(at + ".ordinal", "must be an integer from 1 to 5, once per tracker");
            }
            else
            {
                bindings.Add(new TagBinding(id, ordinal.Value));
            }
        }

        p.ThrowIfInvalid();
        if (tracker.Blocked)
        {
            throw new ApiException(ApiError.DeviceBlocked);
        }

        await tags.SetBindingsAsync(tracker.Id, bindings, call.Aborted);
        return ApiResponse.Empty;
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetInt64(out var number) ? number : null;
}

using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using TrackerEvents.Tracking;

namespace TrackerEvents.Messages;

/// <summary>
/// Reads client messages of both forms: <c>{"action","hash","requests":[..]}</c> and the legacy
/// <c>{"action","hash","events":["state"],"trackers":[..]}</c>. Unknown fields are ignored. The request
/// types it accepts, and how each is addressed, are given by the caller (the subscription streams).
/// </summary>
internal static partial class ClientActionParser
{
    public const string SubscribeAction = "subscription/subscribe";
    public const string UnsubscribeAction = "subscription/unsubscribe";

    /// <summary>The one request type of the legacy form.</summary>
    public const string LegacyType = "state";
    public static readonly TimeSpan DefaultRateLimit = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinRateLimit = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRateLimit = TimeSpan.FromHours(1);

    public static ClientAction Parse(string text, IReadOnlyList<RequestShape> types, int maxTrackers, int maxRequests)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(text);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new ActionException("null", ApiError.WrongFormat, reason: "the message is not JSON");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ActionException("null", ApiError.WrongFormat, reason: "the message is not a JSON object");
        }

        if (JsonText.FindInvalid(text.AsSpan(), root) is { } invalid)
        {
            throw new ActionException("null", ApiError.InvalidParameters, [new FieldError(invalid.Length > 0 ? invalid : "message", "must be valid Unicode text")]);
        }

        var actionName = root.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : null;
        var subscribe = actionName switch
        {
            "subscribe" => true,
            "unsubscribe" => false,
            _ => throw new ActionException(actionName ?? "null", ApiError.WrongFormat, reason: "unknown action: use subscribe or unsubscribe"),
        };
        var action = subscribe ? SubscribeAction : UnsubscribeAction;
        var hash = root.TryGetProperty("hash", out var h) ? (h.ValueKind == JsonValueKind.String ? h.GetString() : "") : null;
        var iso = root.TryGetProperty("iso_datetime", out var i) && i.ValueKind == JsonValueKind.True;
        var errors = new FieldErrors();
        List<RequestSpec> requests;
        bool legacy;
        if (root.TryGetProperty("requests", out var list))
        {
            legacy = false;
            requests = ParseRequests(list, errors, types, maxTrackers, maxRequests);
        }
        else if (root.TryGetProperty("trackers", out var trackers) || root.TryGetProperty("events", out _))
        {
            legacy = true;
            requests = ParseLegacy(root, errors, maxTrackers);
        }
        else
        {
            throw new ActionException(action, ApiError.InvalidParameters, [new FieldError("requests", "is required")]);
        }

        if (errors.Any)
        {
            throw new ActionException(action, ApiError.InvalidParameters, errors.Items);
        }

        return new ClientAction(subscribe, hash, legacy, iso, requests);
    }

    private static List<RequestSpec> ParseRequests(JsonElement list, FieldErrors errors, IReadOnlyList<RequestShape> types, int maxTrackers, int maxRequests)
    {
        var requests = new List<RequestSpec>();
        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            errors.Add("requests", "must be a non-empty array of requests");
            return requests;
        }

        if (list.GetArrayLength() > maxRequests)
        {
            errors.Add("requests", string.Create(CultureInfo.InvariantCulture, $"must hold at most {maxRequests} requests"));
            return requests;
        }

        var index = 0;
        foreach (var request in list.EnumerateArray())
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"requests[{index++}]");
            if (request.ValueKind != JsonValueKind.Object)
            {
                errors.Add(path, "must be an object");
                continue;
            }

            var type = request.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            var shape = types.FirstOrDefault(s => s.Type == type);
            if (shape is null)
            {
                errors.Add(path + ".type", "must be one of " + string.Join(", ", types.Select(s => s.Type)));
                continue;
            }

            var max = Math.Min(shape.MaxTrackers ?? int.MaxValue, maxTrackers);
            var (all, ids) = !shape.TakesTrackerList ? Target(request, path, errors, max)
                : request.TryGetProperty("trackers", out var trackers) ? (false, TrackerIds(trackers, path + ".trackers", errors, max))
                : request.TryGetProperty("target", out _) ? Target(request, path, errors, max)
                : (false, Missing(path + ".trackers", errors));
            requests.Add(new RequestSpec(shape.Type, all, ids, Format(request, path, errors), RateLimit(request, path, errors), Filter(request, path, errors)));
        }

        return requests;
    }

    private static List<RequestSpec> ParseLegacy(JsonElement root, FieldErrors errors, int maxTrackers)
    {
        if (!root.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Array || events.GetArrayLength() == 0
            || events.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String || e.GetString() != "state"))
        {
            errors.Add("events", "must be [\"state\"]");
        }

        var ids = root.TryGetProperty("trackers", out var trackers) ? TrackerIds(trackers, "trackers", errors, maxTrackers) : Missing("trackers", errors);
        return [new RequestSpec(LegacyType, false, ids, StateFormat.Full, DefaultRateLimit, ReadingsFilter.All)];
    }

    private static (bool All, IReadOnlyList<long> Ids) Target(JsonElement request, string path, FieldErrors errors, int maxTrackers)
    {
        if (!request.TryGetProperty("target", out var target) || target.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path + ".target", "is required: {\"type\":\"all\"} or {\"type\":\"selected\",\"tracker_ids\":[..]}");
            return (false, []);
        }

        var type = target.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case "all":
                return (true, []);
            case "selected":
                return (false, target.TryGetProperty("tracker_ids", out var ids)
                    ? TrackerIds(ids, path + ".target.tracker_ids", errors, maxTrackers)
                    : Missing(path + ".target.tracker_ids", errors));
            default:
                errors.Add(path + ".target.type", "must be all or selected");
                return (false, []);
        }
    }

    private static IReadOnlyList<long> TrackerIds(JsonElement array, string path, FieldErrors errors, int maxTrackers)
    {
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            errors.Add(path, "must be a non-empty array of tracker ids");
            return [];
        }

        var ids = new HashSet<long>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var id) || id < 1)
            {
                errors.Add(path, "must hold positive integer tracker ids only");
                return [];
            }

            ids.Add(id);
        }

        if (ids.Count > maxTrackers)
        {
            errors.Add(path, string.Create(CultureInfo.InvariantCulture, $"more trackers than allowed ({maxTrackers})"));
            return [];
        }

        return [.. ids];
    }

    private static IReadOnlyList<long> Missing(string path, FieldErrors errors)
    {
        errors.Add(path, "is required");
        return [];
    }

    private static StateFormat Format(JsonElement request, string path, FieldErrors errors)
    {
        if (!request.TryGetProperty("format", out var format) || format.ValueKind == JsonValueKind.Null)
        {
            return StateFormat.Full;
        }

        switch (format.ValueKind == JsonValueKind.String ? format.GetString() : null)
        {
            case "full": return StateFormat.Full;
            case "compact": return StateFormat.Compact;
            default:
                errors.Add(path + ".format", "must be full or compact");
                return StateFormat.Full;
        }
    }

    /// <summary><c>rate_limit</c>: an integer and a unit (<c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>), from 100 ms to 1 h; default 1 s.</summary>
    public static TimeSpan RateLimit(JsonElement request, string path, FieldErrors errors)
    {
        if (!request.TryGetProperty("rate_limit", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return DefaultRateLimit;
        }

        var match = value.ValueKind == JsonValueKind.String ? RateLimitGrammar().Match(value.GetString()!) : Match.Empty;
        if (match.Success && long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            // In milliseconds first: the grammar allows 9 digits, and 999999999h is past what a TimeSpan holds.
            var milliseconds = amount * match.Groups[2].Value switch
            {
                "ms" => 1L,
                "s" => 1_000L,
                "m" => 60_000L,
                _ => 3_600_000L,
            };
            if (milliseconds >= MinRateLimit.TotalMilliseconds && milliseconds <= MaxRateLimit.TotalMilliseconds)
            {
                return TimeSpan.FromMilliseconds(milliseconds);
            }
        }

        errors.Add(path + ".rate_limit", "must be an integer with ms, s, m or h (e.g. 500ms, 5s), from 100ms to 1h");
        return DefaultRateLimit;
    }

    private static ReadingsFilter Filter(JsonElement request, string path, FieldErrors errors)
    {
        string? sensorType = null;
        if (request.TryGetProperty("sensor_type", out var s) && s.ValueKind != JsonValueKind.Null)
        {
            sensorType = s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            if (sensorType is null || !ReadingsFilter.SensorTypes.Contains(sensorType))
            {
                errors.Add(path + ".sensor_type", "must be one of " + string.Join(", ", ReadingsFilter.SensorTypes.Order(StringComparer.Ordinal)));
            }
        }

        var include = true;
        if (request.TryGetProperty("include_components", out var c) && c.ValueKind != JsonValueKind.Null)
        {
            if (c.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                include = c.GetBoolean();
            }
            else
            {
                errors.Add(path + ".include_components", "must be true or false");
            }
        }

        return new ReadingsFilter(sensorType, include);
    }

    [GeneratedRegex("^([0-9]{1,9})(ms|s|m|h)$")]
    private static partial Regex RateLimitGrammar();
}

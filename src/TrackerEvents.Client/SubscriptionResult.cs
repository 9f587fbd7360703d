using System.Globalization;
using System.Text.Json;

namespace TrackerEvents.Client;

/// <summary>
/// The answer to a subscribe or unsubscribe: per request type, each tracker's status — <c>normal</c>,
/// <c>blocked</c> (no states until unblocked; lifecycle events come), <c>unknown</c> (no such tracker, or not
/// the user's) or <c>disallowed</c>.
/// </summary>
public sealed record SubscriptionResult(IReadOnlyDictionary<string, IReadOnlyDictionary<long, string>> Trackers)
{
    /// <summary>Reads <c>data</c> of a response: <c>{"state":{"success":true,"value":{"15564":"normal"}}}</c>, or the legacy bare map.</summary>
    internal static SubscriptionResult From(Reply reply)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<long, string>>();
        if (reply.Data.ValueKind == JsonValueKind.Object)
        {
            foreach (var type in reply.Data.EnumerateObject())
            {
                var map = type.Value.ValueKind == JsonValueKind.Object && type.Value.TryGetProperty("value", out var value) ? value : type.Value;
                result[type.Name] = Statuses(map);
            }
        }

        return new SubscriptionResult(result);
    }

    private static Dictionary<long, string> Statuses(JsonElement map)
    {
        var statuses = new Dictionary<long, string>();
        if (map.ValueKind == JsonValueKind.Object)
        {
            foreach (var tracker in map.EnumerateObject())
            {
                if (long.TryParse(tracker.Name, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) && tracker.Value.ValueKind == JsonValueKind.String)
                {
                    statuses[id] = tracker.Value.GetString()!;
                }
            }
        }

        return statuses;
    }
}

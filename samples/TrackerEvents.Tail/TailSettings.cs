using System.Globalization;

namespace TrackerEvents.Tail;

/// <summary>What the command line asked for.</summary>
internal sealed record TailSettings
{
    public required Uri ApiUrl { get; init; }
    public string? Login { get; init; }
    public string? Password { get; init; }
    public string? Hash { get; init; }
    public required IReadOnlyList<string> Events { get; init; }
    public IReadOnlyList<long>? Trackers { get; init; }
    public string? RateLimit { get; init; }
    public Uri? Forward { get; init; }
    public int ForwardQueue { get; init; } = 10_000;
    public int ForwardAttempts { get; init; } = 8;
    public bool LongPolling { get; init; }

    /// <summary>A server's root gets the API's path, <c>/v2/</c>; a URL with a path is the API base itself.</summary>
    public static Uri ApiUrlOf(Uri url) =>
        url.AbsolutePath is "" or "/" ? new Uri(url, "/v2/") : url;

    public static IReadOnlyList<string> List(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The ids of <c>1,2,3</c>, or null when one is not an id.</summary>
    public static IReadOnlyList<long>? Ids(string text)
    {
        var ids = new List<long>();
        foreach (var item in List(text))
        {
            if (!long.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return null;
            }

            ids.Add(id);
        }

        return ids.Count > 0 ? ids : null;
    }
}

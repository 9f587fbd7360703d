namespace TrackerEvents.Client;

/// <summary>The trackers a batch or <c>iot_monitor</c> request covers: all of the user's, or the ones named.</summary>
/// <param name="Type"><c>all</c> or <c>selected</c>.</param>
/// <param name="TrackerIds">The trackers, for <c>selected</c>.</param>
public sealed record SubscriptionTarget(string Type, IReadOnlyList<long>? TrackerIds)
{
    /// <summary>All of the user's trackers, including ones added later.</summary>
    public static SubscriptionTarget All { get; } = new("all", null);

    /// <summary>The trackers named.</summary>
    public static SubscriptionTarget Selected(IEnumerable<long> trackerIds) => new("selected", [.. trackerIds]);
}

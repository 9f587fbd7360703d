namespace TrackerEvents.Client;

/// <summary>
/// One item of a subscribe action's <c>requests</c>. Make it with <see cref="State"/>, <see cref="StateBatch"/>,
/// <see cref="ReadingsBatch"/> or <see cref="IotMonitor"/>; it is sent as the Navixy documentation shows it.
/// </summary>
public sealed record SubscriptionRequest
{
    private SubscriptionRequest(string type) => Type = type;

    /// <summary>The request type (<see cref="EventNames"/>).</summary>
    public string Type { get; }

    /// <summary>The trackers of a <c>state</c> request.</summary>
    public IReadOnlyList<long>? Trackers { get; init; }

    /// <summary>The trackers of a batch or <c>iot_monitor</c> request.</summary>
    public SubscriptionTarget? Target { get; init; }

    /// <summary>How often batches may come (<c>500ms</c>, <c>5s</c>, <c>1m</c>); the server's default when null.</summary>
    public string? RateLimit { get; init; }

    /// <summary><c>full</c> (the default) or <c>compact</c>.</summary>
    public string? Format { get; init; }

    /// <summary>A <c>readings_batch</c> filter by sensor type (<c>fuel</c>, <c>temperature</c>, <c>state</c>, ...).</summary>
    public string? SensorType { get; init; }

    /// <summary>Whether a <c>readings_batch</c> includes the parts of composite sensors (the server's default: true).</summary>
    public bool? IncludeComponents { get; init; }

    /// <summary>A <c>state</c> request: one event per tracker and change, at once.</summary>
    public static SubscriptionRequest State(IEnumerable<long> trackers, bool compact = false) =>
        new(EventNames.State) { Trackers = [.. trackers], Format = compact ? "compact" : null };

    /// <summary>A <c>state_batch</c> request: the changed states together, at most every <paramref name="rateLimit"/>.</summary>
    public static SubscriptionRequest StateBatch(SubscriptionTarget target, string? rateLimit = null, bool compact = false) =>
        new(EventNames.StateBatch) { Target = target, RateLimit = rateLimit, Format = compact ? "compact" : null };

    /// <summary>A <c>readings_batch</c> request: the changed sensor readings together, at most every <paramref name="rateLimit"/>.</summary>
    public static SubscriptionRequest ReadingsBatch(
        SubscriptionTarget target, string? rateLimit = null, string? sensorType = null, bool? includeComponents = null) =>
        new(EventNames.ReadingsBatch) { Target = target, RateLimit = rateLimit, SensorType = sensorType, IncludeComponents = includeComponents };

    /// <summary>An <c>iot_monitor</c> request (at most 10 trackers).</summary>
    public static SubscriptionRequest IotMonitor(SubscriptionTarget target, string? rateLimit = null) =>
        new(EventNames.IotMonitor) { Target = target, RateLimit = rateLimit };
}

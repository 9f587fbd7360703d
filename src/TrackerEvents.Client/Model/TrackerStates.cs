namespace TrackerEvents.Client;

/// <summary>The answer of <c>tracker/get_states</c>.</summary>
public sealed record TrackerStates
{
    /// <summary>The user's current time.</summary>
    public DateTimeOffset? UserTime { get; init; }

    /// <summary>The states, by tracker id.</summary>
    public IReadOnlyDictionary<long, TrackerState> States { get; init; } = new Dictionary<long, TrackerState>();

    /// <summary>Asked-for trackers that are blocked.</summary>
    public IReadOnlyList<long>? Blocked { get; init; }

    /// <summary>Asked-for trackers that do not exist (or are not the user's).</summary>
    public IReadOnlyList<long>? NotExist { get; init; }
}

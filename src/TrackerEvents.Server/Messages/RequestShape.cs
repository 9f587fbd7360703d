namespace TrackerEvents.Messages;

/// <summary>
/// How a request type is addressed, for <see cref="ClientActionParser"/>: whether it may name its trackers
/// in a <c>trackers</c> list (as <c>state</c> does) rather than a <c>target</c>, and how many trackers one
/// request of it may name (null: only the connection's limit).
/// </summary>
internal sealed record RequestShape(string Type, bool TakesTrackerList, int? MaxTrackers);

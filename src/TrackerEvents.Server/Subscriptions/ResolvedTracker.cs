namespace TrackerEvents.Subscriptions;

/// <summary>A tracker resolved for a subscription: its status for the response, and its source id for rendering.</summary>
internal readonly record struct ResolvedTracker(long Id, long SourceId, TrackerStatus Status);

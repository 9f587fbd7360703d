namespace TrackerEvents.Subscriptions;

/// <summary>One tracker a stream watches: the session whose hash made the subscription (when it ends, the watch ends), and whether it is blocked.</summary>
internal abstract class TrackerWatch(long sessionId, bool blocked)
{
    public long SessionId { get; set; } = sessionId;

    /// <summary>Blocked trackers get lifecycle events only; after <c>unblock</c> their state flows again.</summary>
    public bool Blocked { get; set; } = blocked;
}

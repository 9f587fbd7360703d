namespace TrackerEvents.Subscriptions;

/// <summary>
/// One tracker a stream watches: the session whose hash made the subscription (when it ends, the watch ends), the user
/// the tracker belonged to then, and whether it is blocked.
/// </summary>
internal abstract class TrackerWatch(long sessionId, long ownerId, bool blocked)
{
    public long SessionId { get; set; } = sessionId;

    /// <summary>
    /// The session's user, whose tracker it was at the subscribe. A change that comes with another owner (the tracker was
    /// moved by another program: the API has none) is not this watch's: it is not sent, as for any tracker of another user.
    /// </summary>
    public long OwnerId { get; } = ownerId;

    public bool IsOwnedBy(long userId) => OwnerId == userId;

    /// <summary>Blocked trackers get lifecycle events only; after <c>unblock</c> their state flows again.</summary>
    public bool Blocked { get; set; } = blocked;
}

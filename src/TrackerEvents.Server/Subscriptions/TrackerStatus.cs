namespace TrackerEvents.Subscriptions;

/// <summary>A tracker's status in a subscribe or unsubscribe response.</summary>
internal enum TrackerStatus
{
    Normal,
    Blocked,

    /// <summary>Does not exist, was removed, or belongs to another user: the client cannot tell which.</summary>
    Unknown,
}

using TrackerEvents.Tracking;

namespace TrackerEvents.Subscriptions;

/// <summary>One tracker a client watches with a <c>state</c> or <c>state_batch</c> request, and how it wants it rendered.</summary>
internal sealed class StateWatch(long sessionId, StateFormat format, DateStyle dates, bool blocked)
{
    /// <summary>The session whose hash made the subscription: when it ends, the watch ends.</summary>
    public long SessionId { get; } = sessionId;

    public StateFormat Format { get; } = format;

    public DateStyle Dates { get; } = dates;

    /// <summary>Blocked trackers get lifecycle events only; after <c>unblock</c> their state flows again.</summary>
    public bool Blocked { get; set; } = blocked;

    /// <summary>The newest state version queued for this client: an older one (a late snapshot) is never sent after it.</summary>
    public long LastVersion { get; set; }

    /// <summary>Whether a state at <paramref name="version"/> goes out (and is now the last one); a redelivery takes an equal version too.</summary>
    public bool Accept(long version, bool redelivery = false)
    {
        if (Blocked || version < LastVersion || (version == LastVersion && !redelivery))
        {
            return false;
        }

        LastVersion = version;
        return true;
    }

    /// <summary>After a lifecycle event: blocked or not, and the current state goes out again after an unblock.</summary>
    public void OnLifecycle(string lifecycleEvent)
    {
        Blocked = lifecycleEvent == "block";
        LastVersion = 0;
    }
}

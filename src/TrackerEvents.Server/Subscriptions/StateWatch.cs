using TrackerEvents.Tracking;

namespace TrackerEvents.Subscriptions;

/// <summary>One tracker a client watches with a <c>state</c> or <c>state_batch</c> request, and how it wants it rendered.</summary>
internal sealed class StateWatch(long sessionId, long ownerId, StateFormat format, DateStyle dates, bool blocked) : TrackerWatch(sessionId, ownerId, blocked)
{
    public StateFormat Format { get; } = format;

    public DateStyle Dates { get; } = dates;

    /// <summary>The newest state version queued for this client: an older one (a late snapshot) is never sent after it.</summary>
    public long LastVersion { get; private set; }

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

    /// <summary>Adds the trackers of <paramref name="watches"/> whose state was queued at a version above <paramref name="version"/>.</summary>
    public static void CollectSentAfter(Dictionary<long, StateWatch> watches, long version, ISet<long> trackers)
    {
        foreach (var (id, watch) in watches)
        {
            if (watch.LastVersion > version)
            {
                trackers.Add(id);
            }
        }
    }
}

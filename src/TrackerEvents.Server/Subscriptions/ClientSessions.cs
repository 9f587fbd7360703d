namespace TrackerEvents.Subscriptions;

/// <summary>
/// The sessions a client acted with (each ends with a <c>logout</c> event to it) and the users it acts for
/// (counted against <see cref="ClientLimits.MaxConnectionsPerUser"/>), kept in the <see cref="SubscriptionIndex"/>.
/// Not thread-safe: the owning client locks around it.
/// </summary>
internal sealed class ClientSessions(AtmosphereClient owner, SubscriptionIndex index)
{
    private readonly HashSet<long> _sessions = [];
    private readonly HashSet<long> _users = [];

    /// <summary>Records a session of a user; false (nothing recorded) when the user already has <paramref name="maxPerUser"/> clients.</summary>
    public bool Use(long sessionId, long userId, int maxPerUser)
    {
        if (!_users.Contains(userId))
        {
            if (!index.TryAddUser(userId, owner, maxPerUser))
            {
                return false;
            }

            _users.Add(userId);
        }

        if (_sessions.Add(sessionId))
        {
            index.AddSession(sessionId, owner);
        }

        return true;
    }

    /// <summary>Forgets an ended session; false if the client never used it (or was told already).</summary>
    public bool End(long sessionId)
    {
        if (!_sessions.Remove(sessionId))
        {
            return false;
        }

        index.RemoveSession(sessionId, owner);
        return true;
    }

    public void Clear()
    {
        foreach (var id in _sessions)
        {
            index.RemoveSession(id, owner);
        }

        foreach (var id in _users)
        {
            index.RemoveUser(id, owner);
        }

        _sessions.Clear();
        _users.Clear();
    }
}

using System.Collections.Concurrent;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// Who to tell: the clients watching each tracker, the clients that used each session hash, and the
/// clients acting for each user. The dispatcher reads it for every change; subscribes and
/// unsubscribes write it. Reads take a cached array, rebuilt only after a write.
/// </summary>
internal sealed class SubscriptionIndex
{
    private readonly ConcurrentDictionary<long, ClientSet> _byTracker = new();
    private readonly ConcurrentDictionary<long, ClientSet> _bySession = new();
    private readonly ConcurrentDictionary<long, ClientSet> _byUser = new();

    public AtmosphereClient[] WatchingTracker(long trackerId) => Get(_byTracker, trackerId);

    public AtmosphereClient[] UsingSession(long sessionId) => Get(_bySession, sessionId);

    public int ConnectionsOfUser(long userId) => Get(_byUser, userId).Length;

    public int TrackersWatched => _byTracker.Count;

    public void AddTracker(long trackerId, AtmosphereClient client) => Add(_byTracker, trackerId, client);

    public void RemoveTracker(long trackerId, AtmosphereClient client) => Remove(_byTracker, trackerId, client);

    public void AddSession(long sessionId, AtmosphereClient client) => Add(_bySession, sessionId, client);

    public void RemoveSession(long sessionId, AtmosphereClient client) => Remove(_bySession, sessionId, client);

    /// <summary>Counts the client as acting for the user, unless that would exceed <paramref name="limit"/> connections.</summary>
    public bool TryAddUser(long userId, AtmosphereClient client, int limit)
    {
        while (true)
        {
            var set = _byUser.GetOrAdd(userId, _ => new ClientSet());
            switch (set.TryAdd(client, limit))
            {
                case ClientSet.AddResult.Added:
                    return true;
                case ClientSet.AddResult.Full:
                    return false;
                default:
                    continue; // the set emptied and was retired concurrently: take the new one
            }
        }
    }

    public void RemoveUser(long userId, AtmosphereClient client) => Remove(_byUser, userId, client);

    private static AtmosphereClient[] Get(ConcurrentDictionary<long, ClientSet> map, long key) =>
        map.TryGetValue(key, out var set) ? set.Snapshot() : [];

    private static void Add(ConcurrentDictionary<long, ClientSet> map, long key, AtmosphereClient client)
    {
        while (map.GetOrAdd(key, _ => new ClientSet()).TryAdd(client, int.MaxValue) == ClientSet.AddResult.Retired)
        {
        }
    }

    private static void Remove(ConcurrentDictionary<long, ClientSet> map, long key, AtmosphereClient client)
    {
        if (map.TryGetValue(key, out var set) && set.Remove(client))
        {
            map.TryRemove(new KeyValuePair<long, ClientSet>(key, set)); // it retired itself when it emptied
        }
    }

    /// <summary>A set of clients with a cached array for readers. Once empty it retires, and a new set takes its place.</summary>
    private sealed class ClientSet
    {
        private const int SmallSet = 32;
        private readonly HashSet<AtmosphereClient> _clients = [];
        private AtmosphereClient[]? _snapshot;
        private bool _retired;

        public enum AddResult
        {
            Added,
            Full,
            Retired,
        }

        public AddResult TryAdd(AtmosphereClient client, int limit)
        {
            lock (_clients)
            {
                if (_retired)
                {
                    return AddResult.Retired;
                }

                if (!_clients.Contains(client) && _clients.Count >= limit)
                {
                    return AddResult.Full;
                }

                if (_clients.Add(client))
                {
                    Changed();
                }

                return AddResult.Added;
            }
        }

        /// <summary>Removes the client; true when the set is now empty and retired.</summary>
        public bool Remove(AtmosphereClient client)
        {
            lock (_clients)
            {
                if (_clients.Remove(client))
                {
                    Changed();
                }

                _retired = _clients.Count == 0;
                return _retired;
            }
        }

        public AtmosphereClient[] Snapshot()
        {
            lock (_clients)
            {
                return _snapshot ??= [.. _clients];
            }
        }

        // Called under the lock. A small set's array is made with the set, at subscribe time: made at the first
        // change instead, it was a young array in a set that had grown old, which every young collection found
        // through the set and kept, and each such set a card to scan until the next gen1 collection
        // (docs/performance.md, "Arrays made with their sets"). A large set (a broadcast's thousands of
        // watchers) rebuilds it once at its next read rather than at every one of its many subscribes.
        private void Changed() => _snapshot = _clients.Count <= SmallSet ? [.. _clients] : null;
    }
}

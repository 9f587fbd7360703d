using TrackerEvents.Subscriptions;
using TrackerEvents.Tracking;

namespace TrackerEvents.Connections;

/// <summary>A tracker resolved for a subscription: its status for the response, and its source id for rendering.</summary>
internal readonly record struct ResolvedTracker(long Id, long SourceId, TrackerStatus Status);

internal enum TrackerStatus
{
    Normal,
    Blocked,
    Unknown,
}

/// <summary>The request types that hold tracker subscriptions.</summary>
internal enum SubscriptionKind
{
    State,
    StateBatch,
    ReadingsBatch,
    IotMonitor,
}

internal sealed partial class AtmosphereClient
{
    private readonly Dictionary<long, StateWatch> _state = [];
    private readonly HashSet<long> _sessions = [];
    private readonly HashSet<long> _users = [];
    private BatchStream<StateWatch, PendingState>? _stateBatch;
    private BatchStream<ReadingsWatch, PendingReadings>? _readingsBatch;
    private BatchStream<IotWatch, long>? _iotMonitor;

    /// <summary>
    /// Records that this client acted with a session of a user, so that it gets <c>logout</c> when that
    /// session ends. False (nothing recorded) when the user already has the most connections allowed.
    /// </summary>
    public bool UseSession(long sessionId, long userId)
    {
        lock (_gate)
        {
            if (_released)
            {
                return false;
            }

            if (!_users.Contains(userId))
            {
                if (!Index.TryAddUser(userId, this, _registry.Options.MaxConnectionsPerUser))
                {
                    return false;
                }

                _users.Add(userId);
            }

            if (_sessions.Add(sessionId))
            {
                Index.AddSession(sessionId, this);
            }

            return true;
        }
    }

    /// <summary>How many more tracker subscriptions this client may take on for a request of <paramref name="kind"/>.</summary>
    public int RoomFor(SubscriptionKind kind, IEnumerable<long> trackerIds)
    {
        lock (_gate)
        {
            var held = _state.Count + (_stateBatch?.Trackers.Count ?? 0) + (_readingsBatch?.Trackers.Count ?? 0) + (_iotMonitor?.Trackers.Count ?? 0);
            var already = trackerIds.Count(id => kind switch
            {
                SubscriptionKind.State => _state.ContainsKey(id),
                SubscriptionKind.StateBatch => _stateBatch?.Trackers.ContainsKey(id) == true,
                SubscriptionKind.ReadingsBatch => _readingsBatch?.Trackers.ContainsKey(id) == true,
                _ => _iotMonitor?.Trackers.ContainsKey(id) == true,
            });
            var room = _registry.Options.MaxTrackersPerConnection - held + already;
            return kind == SubscriptionKind.IotMonitor
                ? Math.Min(room, IotWatch.MaxTrackers - (_iotMonitor?.Trackers.Count ?? 0) + already)
                : room;
        }
    }

    /// <summary>
    /// Adds (or renews) watches for the known trackers of one request. A renewed watch forgets what
    /// was sent, so the snapshot that follows goes out again.
    /// </summary>
    public void Watch(SubscriptionKind kind, IReadOnlyList<ResolvedTracker> trackers, long sessionId, StateFormat format, DateStyle dates,
        TimeSpan rateLimit, ReadingsFilter filter)
    {
        lock (_gate)
        {
            if (_released)
            {
                return;
            }

            foreach (var tracker in trackers)
            {
                if (tracker.Status == TrackerStatus.Unknown)
                {
                    continue;
                }

                var blocked = tracker.Status == TrackerStatus.Blocked;
                var wasWatched = IsWatchedLocked(tracker.Id);
                switch (kind)
                {
                    case SubscriptionKind.State:
                        _state[tracker.Id] = new StateWatch(sessionId, format, dates, blocked);
                        break;
                    case SubscriptionKind.StateBatch:
                        _stateBatch ??= new BatchStream<StateWatch, PendingState>(rateLimit, dates) { LastFlush = Time.GetTimestamp() };
                        _stateBatch.Trackers[tracker.Id] = new StateWatch(sessionId, format, dates, blocked);
                        break;
                    case SubscriptionKind.ReadingsBatch:
                        _readingsBatch ??= new BatchStream<ReadingsWatch, PendingReadings>(rateLimit, dates) { LastFlush = Time.GetTimestamp() };
                        _readingsBatch.Trackers[tracker.Id] = new ReadingsWatch(sessionId, filter, dates, blocked);
                        break;
                    default:
                        // A renewed watch keeps its history: the packet after the subscribe shows it again.
                        _iotMonitor ??= new BatchStream<IotWatch, long>(rateLimit, dates) { LastFlush = Time.GetTimestamp() };
                        if (_iotMonitor.Trackers.TryGetValue(tracker.Id, out var iot))
                        {
                            (iot.SessionId, iot.Blocked) = (sessionId, blocked);
                        }
                        else
                        {
                            _iotMonitor.Trackers[tracker.Id] = new IotWatch(sessionId, blocked);
                        }

                        break;
                }

                if (!wasWatched)
                {
                    Index.AddTracker(tracker.Id, this);
                }
            }

            // Successive subscribes feed one stream; its pace and user_time style follow the latest one.
            if (kind == SubscriptionKind.StateBatch && _stateBatch is not null)
            {
                (_stateBatch.RateLimit, _stateBatch.UserTimeDates) = (rateLimit, dates);
            }
            else if (kind == SubscriptionKind.ReadingsBatch && _readingsBatch is not null)
            {
                (_readingsBatch.RateLimit, _readingsBatch.UserTimeDates) = (rateLimit, dates);
            }
            else if (kind == SubscriptionKind.IotMonitor && _iotMonitor is not null)
            {
                _iotMonitor.RateLimit = rateLimit;
            }
        }
    }

    /// <summary>Removes watches of one kind; trackers no longer watched at all leave the index and the outbox.</summary>
    public void Unwatch(SubscriptionKind kind, IEnumerable<long> trackerIds)
    {
        lock (_gate)
        {
            foreach (var id in trackerIds)
            {
                bool removed;
                switch (kind)
                {
                    case SubscriptionKind.State:
                        removed = _state.Remove(id);
                        _outbox.RemoveState(id);
                        break;
                    case SubscriptionKind.StateBatch:
                        removed = _stateBatch?.Trackers.Remove(id) == true;
                        _stateBatch?.Pending.Remove(id);
                        break;
                    case SubscriptionKind.ReadingsBatch:
                        removed = _readingsBatch?.Trackers.Remove(id) == true;
                        _readingsBatch?.Pending.Remove(id);
                        break;
                    default:
                        removed = _iotMonitor?.Trackers.Remove(id) == true;
                        _iotMonitor?.Pending.Remove(id);
                        break;
                }

                if (removed && !IsWatchedLocked(id))
                {
                    Index.RemoveTracker(id, this);
                }
            }
        }
    }

    /// <summary>The tracker ids watched with a request of <paramref name="kind"/>.</summary>
    public IReadOnlyList<long> Watched(SubscriptionKind kind)
    {
        lock (_gate)
        {
            return kind switch
            {
                SubscriptionKind.State => [.. _state.Keys],
                SubscriptionKind.StateBatch => _stateBatch is null ? [] : [.. _stateBatch.Trackers.Keys],
                SubscriptionKind.ReadingsBatch => _readingsBatch is null ? [] : [.. _readingsBatch.Trackers.Keys],
                _ => _iotMonitor is null ? [] : [.. _iotMonitor.Trackers.Keys],
            };
        }
    }

    private bool IsWatchedLocked(long trackerId) =>
        _state.ContainsKey(trackerId) || _stateBatch?.Trackers.ContainsKey(trackerId) == true || _readingsBatch?.Trackers.ContainsKey(trackerId) == true
        || _iotMonitor?.Trackers.ContainsKey(trackerId) == true;

    private IEnumerable<long> WatchedTrackersLocked() =>
        _state.Keys.Concat(_stateBatch?.Trackers.Keys ?? Enumerable.Empty<long>()).Concat(_readingsBatch?.Trackers.Keys ?? Enumerable.Empty<long>())
            .Concat(_iotMonitor?.Trackers.Keys ?? Enumerable.Empty<long>()).Distinct();

    private void ClearSubscriptionsLocked()
    {
        _state.Clear();
        _stateBatch = null;
        _readingsBatch = null;
        _iotMonitor = null;
        _sessions.Clear();
        _users.Clear();
    }
}

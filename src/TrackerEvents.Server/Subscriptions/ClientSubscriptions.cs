using TrackerEvents.Messages;
using TrackerEvents.Protocol;
using TrackerEvents.Tracking;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// What a client is subscribed to, and what it acted with: its <see cref="StreamSet"/> and its
/// <see cref="ClientSessions"/>. The action handler subscribes through it and the dispatcher delivers
/// through it. It guards its state with its client's lock and writes into its client's outbox.
/// </summary>
internal sealed class ClientSubscriptions
{
    private readonly AtmosphereClient _client;
    private readonly ClientLimits _limits;
    private readonly StreamSet _streams;
    private readonly ClientSessions _sessions;

    // Whether a callback is on the timer wheel no later than the next batch frame is due: then a state change
    // need not ask the clock again (a control room's connections took 10,000 changes a second each).
    // Set when a change or a flush timed the frame; a flush that left nothing waiting clears it.
    private bool _flushTimed;

    public ClientSubscriptions(AtmosphereClient client, ClientServices services)
    {
        _client = client;
        _limits = services.Limits;
        _streams = new StreamSet(client, services);
        _sessions = new ClientSessions(client, services.Index);
    }

    /// <summary>When the next batch frame is due; the caller holds the client's lock.</summary>
    internal TimeSpan FlushDueLocked => _streams.FlushDue;

    /// <summary>
    /// Records that this client acted with a session of a user, so that it gets <c>logout</c> when that
    /// session ends. False (nothing recorded) when the user already has the most connections allowed.
    /// </summary>
    public bool UseSession(long sessionId, long userId)
    {
        lock (_client.Gate)
        {
            return !_client.IsReleasedLocked && _sessions.Use(sessionId, userId, _limits.MaxConnectionsPerUser);
        }
    }

    /// <summary>Whether the trackers one message wants, per kind, fit the connection's caps (see <see cref="StreamSet.Fits"/>).</summary>
    public (bool Fits, StreamKind? Over) Fits(IReadOnlyDictionary<StreamKind, HashSet<long>> wanted)
    {
        lock (_client.Gate)
        {
            return _streams.Fits(wanted, _limits.MaxTrackersPerConnection);
        }
    }

    /// <summary>Adds (or renews) watches for the known trackers of one request.</summary>
    public void Watch(StreamKind kind, IReadOnlyList<ResolvedTracker> trackers, WatchRequest request)
    {
        lock (_client.Gate)
        {
            if (!_client.IsReleasedLocked)
            {
                _streams.Watch(kind, trackers, request);
            }
        }
    }

    /// <summary>Removes watches of one kind; trackers no longer watched at all leave the index and the outbox.</summary>
    public void Unwatch(StreamKind kind, IEnumerable<long> trackerIds)
    {
        lock (_client.Gate)
        {
            _streams.Unwatch(kind, trackerIds, _client.OutboxLocked);
        }
    }

    /// <summary>
    /// Trackers' new states, in order, for every stream that watches them (the caller leaves out blocked trackers' states).
    /// Returns whether the outbox now holds something to send: then the caller wakes the transport.
    /// </summary>
    public bool DeliverStates(List<StateRendering> states)
    {
        lock (_client.Gate)
        {
            if (_client.IsReleasedLocked)
            {
                return false;
            }

            var outbox = _client.OutboxLocked;
            foreach (var state in states)
            {
                _streams.OnState(state, outbox);
            }

            if (_flushTimed)
            {
                _client.CheckOverflowLocked();
            }
            else
            {
                _flushTimed = _client.AfterChangeLocked() != TimeSpan.MaxValue;
            }

            return outbox.Count > 0;
        }
    }

    /// <summary>One changed readings item.</summary>
    public void DeliverReading(ReadingChange change, DateTimeOffset now)
    {
        lock (_client.Gate)
        {
            if (!_client.IsReleasedLocked && !change.Blocked)
            {
                _streams.OnReading(change, now);
                _client.AfterChangeLocked();
            }
        }
    }

    /// <summary>A tracker was blocked, unblocked or corrupted. True when the client now needs the tracker's current state (after <c>unblock</c>).</summary>
    public bool DeliverLifecycle(LifecycleRendering lifecycle)
    {
        lock (_client.Gate)
        {
            if (_client.IsReleasedLocked)
            {
                return false;
            }

            var needsState = _streams.OnLifecycle(lifecycle, _client.OutboxLocked);
            _client.AfterChangeLocked();
            return needsState;
        }
    }

    /// <summary>The session ended: <c>logout</c> once, and every subscription made with its hash stops. The connection stays.</summary>
    public void EndSession(long sessionId, Payload logout)
    {
        lock (_client.Gate)
        {
            if (_client.IsReleasedLocked || !_sessions.End(sessionId))
            {
                return;
            }

            _client.OutboxLocked.Add(logout);
            _streams.UnwatchSession(sessionId, _client.OutboxLocked);
            _client.AfterChangeLocked();
        }
    }

    /// <summary>The snapshot of one request kind of a subscribe, right after its response.</summary>
    public void SendSnapshot(StreamKind kind, IReadOnlyList<long> trackerIds, Snapshot snapshot)
    {
        lock (_client.Gate)
        {
            if (!_client.IsReleasedLocked)
            {
                _streams.SendSnapshot(kind, trackerIds, snapshot, _client.OutboxLocked);
                _client.AfterChangeLocked();
            }
        }
    }

    /// <summary>Trackers whose state (event or batch item) was queued for this client at a version above <paramref name="version"/>.</summary>
    public IReadOnlyCollection<long> TrackersSentAfter(long version)
    {
        lock (_client.Gate)
        {
            return _streams.SentAfter(version);
        }
    }

    /// <summary>
    /// Queues these states again after a reconnect, even if they were sent before (the old connection
    /// may have swallowed them). A state newer than the snapshot, dispatched while it was being read,
    /// is already queued for the new connection and is kept: an older snapshot never replaces it.
    /// </summary>
    public void Redeliver(IEnumerable<StateRendering> states)
    {
        lock (_client.Gate)
        {
            foreach (var state in states)
            {
                _streams.Redeliver(state, _client.OutboxLocked);
            }

            _client.AfterChangeLocked();
        }
    }

    /// <summary>Builds the batch frames that are due; the caller holds the client's lock.</summary>
    internal TimeSpan FlushLocked(Outbox outbox)
    {
        var next = _streams.Flush(outbox);
        _flushTimed = next != TimeSpan.MaxValue;
        return next;
    }

    /// <summary>Drops every subscription and session (the client was released); the caller holds the client's lock.</summary>
    internal void ClearLocked()
    {
        _streams.Clear();
        _sessions.Clear();
    }
}

using TrackerEvents.Messages;
using TrackerEvents.Tracking;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// A client's streams, at most one per <see cref="StreamKind"/> (made at its first watch), and their
/// entries in the <see cref="SubscriptionIndex"/>: a tracker is in the index for this client while any of
/// its streams watches it. Changes go to every stream in <see cref="StreamKinds.All"/> order. Not
/// thread-safe: the owning client locks around it.
/// </summary>
internal sealed class StreamSet(AtmosphereClient owner, ClientServices services)
{
    private readonly ISubscriptionStream?[] _streams = new ISubscriptionStream?[StreamKinds.All.Count];

    /// <summary>Tracker subscriptions over all streams (a tracker watched by two streams counts twice).</summary>
    public int Count => _streams.Sum(s => s?.Trackers.Count ?? 0);

    /// <summary>When the next batch frame is due (<see cref="TimeSpan.MaxValue"/>: none waits).</summary>
    public TimeSpan FlushDue
    {
        get
        {
            var due = TimeSpan.MaxValue;
            foreach (var stream in _streams)
            {
                due = stream is not null && stream.FlushDue < due ? stream.FlushDue : due;
            }

            return due;
        }
    }

    /// <summary>
    /// Whether the trackers one message wants, per kind, fit: in all at most <paramref name="maxPerConnection"/>
    /// subscriptions (what is watched already counts once), and for a kind with its own cap, at most that
    /// many. Null when they fit; otherwise the kind that does not (or null kind with false for the connection cap).
    /// </summary>
    public (bool Fits, StreamKind? Over) Fits(IReadOnlyDictionary<StreamKind, HashSet<long>> wanted, int maxPerConnection)
    {
        var total = Count;
        foreach (var (kind, trackers) in wanted)
        {
            var stream = _streams[kind.Index];
            var added = stream is null ? trackers.Count : trackers.Count(id => !stream.Watches(id));
            total += added;
            if (kind.Shape.MaxTrackers is { } max && (stream?.Trackers.Count ?? 0) + added > max)
            {
                return (false, kind);
            }
        }

        return (total <= maxPerConnection, null);
    }

    /// <summary>Watches the known trackers of one request (see <see cref="ISubscriptionStream.Watch"/>).</summary>
    public void Watch(StreamKind kind, IReadOnlyList<ResolvedTracker> trackers, WatchRequest request)
    {
        var known = trackers.Where(t => t.Status != TrackerStatus.Unknown).ToList();
        var stream = _streams[kind.Index];
        if (stream is null)
        {
            if (known.Count == 0)
            {
                return; // no stream for nothing: a first subscribe of unknown trackers sends no snapshot frame
            }

            stream = _streams[kind.Index] = kind.Create(services, BatchPhase.Of(owner.Number, services.Limits.BatchPhases));
        }

        var added = known.Where(t => !IsWatched(t.Id)).Select(t => t.Id).ToList();
        stream.Watch(known, request);
        foreach (var id in added)
        {
            services.Index.AddTracker(id, owner);
        }
    }

    public void Unwatch(StreamKind kind, IEnumerable<long> trackerIds, Outbox outbox)
    {
        if (_streams[kind.Index] is not { } stream)
        {
            return;
        }

        foreach (var id in trackerIds)
        {
            if (stream.Watches(id))
            {
                stream.Unwatch(id, outbox);
                LeaveIndexIfUnwatched(id);
            }
        }
    }

    /// <summary>A session ended: every watch made with its hash ends.</summary>
    public void UnwatchSession(long sessionId, Outbox outbox)
    {
        foreach (var stream in Existing())
        {
            foreach (var id in stream.WatchedWith(sessionId))
            {
                stream.Unwatch(id, outbox);
                LeaveIndexIfUnwatched(id);
            }
        }
    }

    // The delivery paths run for every change and every client watching it: plain loops, no allocation.
    public void OnState(StateRendering state, Outbox outbox)
    {
        foreach (var stream in _streams)
        {
            stream?.OnState(state, outbox);
        }
    }

    public void OnReading(ReadingChange change, DateTimeOffset now)
    {
        foreach (var stream in _streams)
        {
            stream?.OnReading(change, now);
        }
    }

    /// <summary>True when a stream now needs the tracker's current state (after <c>unblock</c>).</summary>
    public bool OnLifecycle(LifecycleRendering lifecycle, Outbox outbox)
    {
        var needsState = false;
        foreach (var stream in Existing())
        {
            needsState |= stream.OnLifecycle(lifecycle, outbox);
        }

        if (lifecycle.Change.Event != "corrupt")
        {
            return needsState;
        }

        // The tracker is gone: its lifecycle event is the last thing the client hears of it.
        var id = lifecycle.Change.TrackerId;
        foreach (var stream in Existing())
        {
            stream.Forget(id);
        }

        services.Index.RemoveTracker(id, owner);
        return false;
    }

    /// <summary>Builds the batch frames that are due; returns when the next one will be.</summary>
    public TimeSpan Flush(Outbox outbox)
    {
        var next = TimeSpan.MaxValue;
        foreach (var stream in Existing())
        {
            var due = stream.Flush(outbox);
            next = due < next ? due : next;
        }

        return next;
    }

    public void SendSnapshot(StreamKind kind, IReadOnlyList<long> trackerIds, Snapshot snapshot, Outbox outbox) =>
        _streams[kind.Index]?.SendSnapshot(trackerIds, snapshot, outbox);

    public void Redeliver(StateRendering state, Outbox outbox)
    {
        foreach (var stream in Existing())
        {
            stream.Redeliver(state, outbox);
        }
    }

    public IReadOnlyCollection<long> SentAfter(long version)
    {
        var trackers = new HashSet<long>();
        foreach (var stream in Existing())
        {
            stream.CollectSentAfter(version, trackers);
        }

        return trackers;
    }

    /// <summary>Drops every stream and index entry (the client was released).</summary>
    public void Clear()
    {
        foreach (var id in Existing().SelectMany(s => s.Trackers).Distinct().ToList())
        {
            services.Index.RemoveTracker(id, owner);
        }

        Array.Clear(_streams);
    }

    private bool IsWatched(long trackerId)
    {
        foreach (var stream in _streams)
        {
            if (stream?.Watches(trackerId) == true)
            {
                return true;
            }
        }

        return false;
    }

    private void LeaveIndexIfUnwatched(long trackerId)
    {
        if (!IsWatched(trackerId))
        {
            services.Index.RemoveTracker(trackerId, owner);
        }
    }

    private IEnumerable<ISubscriptionStream> Existing()
    {
        foreach (var stream in _streams)
        {
            if (stream is not null)
            {
                yield return stream;
            }
        }
    }
}

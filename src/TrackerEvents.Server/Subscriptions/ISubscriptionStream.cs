using TrackerEvents.Messages;
using TrackerEvents.Tracking;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// One kind of subscription of one client (<c>state</c>, <c>state_batch</c>, <c>readings_batch</c>,
/// <c>iot_monitor</c>): the trackers it watches, how it turns changes into messages, and its snapshot.
/// Every member runs under the owning client's lock; messages go into the client's <see cref="Outbox"/>.
/// The kinds share their bookkeeping through <see cref="SubscriptionStream{TWatch}"/> and <see cref="BatchStream{TWatch, TPending}"/>.
/// </summary>
internal interface ISubscriptionStream
{
    /// <summary>The trackers this stream watches.</summary>
    IReadOnlyCollection<long> Trackers { get; }

    /// <summary>How long until this stream has a frame to build (<see cref="TimeSpan.MaxValue"/>: nothing waits).</summary>
    TimeSpan FlushDue { get; }

    bool Watches(long trackerId);

    /// <summary>
    /// Adds or renews watches of the known trackers of one request (a renewed watch forgets what was sent,
    /// so that the snapshot goes out again); successive requests feed one stream, whose pace follows the latest.
    /// </summary>
    void Watch(IReadOnlyList<ResolvedTracker> trackers, WatchRequest request);

    /// <summary>Stops watching a tracker and drops what is queued of it (an unsubscribe, an ended session).</summary>
    void Unwatch(long trackerId, Outbox outbox);

    /// <summary>Stops watching a tracker and keeps what is queued (the tracker is gone: its last messages still go out).</summary>
    void Forget(long trackerId);

    /// <summary>The trackers watched with the hash of this session.</summary>
    IReadOnlyList<long> WatchedWith(long sessionId);

    /// <summary>A tracker's new state (not blocked).</summary>
    void OnState(StateRendering state, Outbox outbox);

    /// <summary>One changed readings item, received at <paramref name="now"/>.</summary>
    void OnReading(ReadingChange change, DateTimeOffset now);

    /// <summary>A tracker was blocked, unblocked or corrupted. True when the stream now needs the tracker's current state.</summary>
    bool OnLifecycle(LifecycleRendering lifecycle, Outbox outbox);

    /// <summary>Builds the frame that is due, if any; returns when to try again (<see cref="TimeSpan.MaxValue"/>: not needed).</summary>
    TimeSpan Flush(Outbox outbox);

    /// <summary>What goes out right after a subscribe's response, for the trackers of that subscribe.</summary>
    void SendSnapshot(IReadOnlyList<long> trackerIds, Snapshot snapshot, Outbox outbox);

    /// <summary>After a reconnect: queues this state again even if it was sent (the old connection may have swallowed it).</summary>
    void Redeliver(StateRendering state, Outbox outbox);

    /// <summary>Adds the trackers whose state this stream queued at a version above <paramref name="version"/>.</summary>
    void CollectSentAfter(long version, ISet<long> trackers);
}

using System.Diagnostics.CodeAnalysis;
using TrackerEvents.Messages;
using TrackerEvents.Tracking;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// What every stream shares: its watches by tracker id. A kind overrides what a change does to it; what it
/// leaves alone does nothing.
/// </summary>
internal abstract class SubscriptionStream<TWatch> : ISubscriptionStream where TWatch : TrackerWatch
{
    public IReadOnlyCollection<long> Trackers => Watched.Keys;

    public virtual TimeSpan FlushDue => TimeSpan.MaxValue;

    protected Dictionary<long, TWatch> Watched { get; } = [];

    public bool Watches(long trackerId) => Watched.ContainsKey(trackerId);

    /// <summary>The watch of a tracker for a change that comes with <paramref name="userId"/> as its owner: none if the owner is another.</summary>
    protected bool TryGetWatch(long trackerId, long userId, [MaybeNullWhen(false)] out TWatch watch) =>
        Watched.TryGetValue(trackerId, out watch) && watch.IsOwnedBy(userId);

    public abstract void Watch(IReadOnlyList<ResolvedTracker> trackers, WatchRequest request);

    public virtual void Unwatch(long trackerId, Outbox outbox) => Forget(trackerId);

    public virtual void Forget(long trackerId) => Watched.Remove(trackerId);

    public IReadOnlyList<long> WatchedWith(long sessionId) => [.. Watched.Where(w => w.Value.SessionId == sessionId).Select(w => w.Key)];

    public virtual void OnState(StateRendering state, Outbox outbox)
    {
    }

    public virtual void OnReading(ReadingChange change, DateTimeOffset now)
    {
    }

    public abstract bool OnLifecycle(LifecycleRendering lifecycle, Outbox outbox);

    public virtual TimeSpan Flush(Outbox outbox) => TimeSpan.MaxValue;

    public abstract void SendSnapshot(IReadOnlyList<long> trackerIds, Snapshot snapshot, Outbox outbox);

    public virtual void Redeliver(StateRendering state, Outbox outbox)
    {
    }

    public virtual void CollectSentAfter(long version, ISet<long> trackers)
    {
    }
}

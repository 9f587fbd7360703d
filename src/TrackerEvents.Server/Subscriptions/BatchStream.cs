using TrackerEvents.Messages;
using TrackerEvents.Protocol;
using TrackerEvents.Tracking;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// A stream that sends frames at its pace (<see cref="BatchPace"/>): changes wait in <see cref="Pending"/>,
/// one entry per tracker (unkeyed entries for lifecycle items), and go out as one frame per <c>rate_limit</c>,
/// nothing when nothing changed.
/// </summary>
internal abstract class BatchStream<TWatch, TPending>(TimeProvider time, BatchPhase phase) : SubscriptionStream<TWatch> where TWatch : TrackerWatch
{
    public override TimeSpan FlushDue => Pending.Count > 0 ? Pace.Wait() : TimeSpan.MaxValue;

    protected KeyedQueue<TPending> Pending { get; } = new();

    protected BatchPace Pace { get; } = new(ClientActionParser.DefaultRateLimit, time, phase);

    protected TimeProvider Time => time;

    /// <summary>How <c>user_time</c> on the frames is written: the date style of the latest subscribe.</summary>
    protected DateStyle? UserTimeDates { get; set; }

    public override void Unwatch(long trackerId, Outbox outbox)
    {
        Watched.Remove(trackerId);
        Pending.Remove(trackerId);
    }

    public override TimeSpan Flush(Outbox outbox) => Pending.Count == 0 ? TimeSpan.MaxValue : Pace.Flush(outbox, () => BuildFrame(Pending.Drain()));

    /// <summary>Queues <paramref name="value"/> as the latest of tracker <paramref name="key"/>, replacing what waited for it.</summary>
    protected void Queue(long key, TPending value)
    {
        Mark();
        Pending.Put(key, value);
    }

    /// <summary>Queues <paramref name="value"/> without a key (a lifecycle item: each one goes out).</summary>
    protected void Queue(TPending value)
    {
        Mark();
        Pending.Add(value);
    }

    /// <summary>The frame for what waited (null: nothing worth sending after all).</summary>
    protected abstract Payload? BuildFrame(List<(long? Key, TPending Value)> waiting);

    private void Mark()
    {
        if (Pending.Count == 0)
        {
            Pace.Queued();
        }
    }
}

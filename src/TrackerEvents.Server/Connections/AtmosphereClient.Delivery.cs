using TrackerEvents.Dispatch;
using TrackerEvents.Store;
using TrackerEvents.Subscriptions;
using TrackerEvents.Tracking;

namespace TrackerEvents.Connections;

internal sealed partial class AtmosphereClient
{
    /// <summary>A tracker's new state: a <c>state</c> event at once (replacing an unsent one), and a <c>state_batch</c> item.</summary>
    public void DeliverState(StateRendering state, bool blocked)
    {
        lock (_gate)
        {
            if (_released || blocked)
            {
                return;
            }

            if (_state.TryGetValue(state.TrackerId, out var watch) && !watch.Blocked && state.Version > watch.LastVersion)
            {
                watch.LastVersion = state.Version;
                _outbox.PutState(state.TrackerId, state.Event(watch.Format, watch.Dates));
            }

            if (_stateBatch is { } stream && stream.Trackers.TryGetValue(state.TrackerId, out var batched) && !batched.Blocked
                && state.Version > batched.LastVersion)
            {
                batched.LastVersion = state.Version;
                stream.Pending.Put(state.TrackerId, new PendingState(state.BatchItem(batched.Format, batched.Dates), state.Version));
                ScheduleFlushLocked(stream.LastFlush, stream.RateLimit);
            }

            if (_iotMonitor is { } monitor && monitor.Trackers.TryGetValue(state.TrackerId, out var iot) && !iot.Blocked
                && iot.Record(state.IotMessage, state.Version))
            {
                monitor.Pending.Put(state.TrackerId, state.TrackerId);
                ScheduleFlushLocked(monitor.LastFlush, monitor.RateLimit);
            }
        }
    }

    /// <summary>One changed readings item: kept for the next <c>readings_batch</c> frame.</summary>
    public void DeliverReading(ReadingChange change, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_released || change.Blocked || _readingsBatch is not { } stream
                || !stream.Trackers.TryGetValue(change.TrackerId, out var watch) || watch.Blocked)
            {
                return;
            }

            foreach (var id in change.Item.CompositeSensorIds)
            {
                watch.Components.Add(id);
            }

            if (!stream.Pending.TryGet(change.TrackerId, out var pending))
            {
                pending = new PendingReadings([], null);
                stream.Pending.Put(change.TrackerId, pending);
            }

            pending.Items![(change.Item.Kind, change.Item.Key)] = change.Item;
            pending.Timestamp = now;
            ScheduleFlushLocked(stream.LastFlush, stream.RateLimit);
        }
    }

    /// <summary>
    /// A tracker was blocked, unblocked or corrupted: a <c>lifecycle</c> event for <c>state</c> watches,
    /// a <c>lifecycle_event</c> item for batch streams. True when the client now needs the tracker's
    /// current state (after <c>unblock</c>).
    /// </summary>
    public bool DeliverLifecycle(LifecycleRendering lifecycle)
    {
        var change = lifecycle.Change;
        var id = change.TrackerId;
        var blocked = change.Event == "block";
        var needsState = false;
        lock (_gate)
        {
            if (_released)
            {
                return false;
            }

            if (_state.TryGetValue(id, out var watch))
            {
                AddLocked(lifecycle.Event(watch.Dates));
                watch.Blocked = blocked;
                watch.LastVersion = 0; // after unblock the current state goes out even if it did not change
                needsState |= change.Event == "unblock";
            }

            if (_stateBatch is { } states && states.Trackers.TryGetValue(id, out var batched))
            {
                states.Pending.Add(new PendingState(lifecycle.Item(batched.Dates), 0));
                batched.Blocked = blocked;
                batched.LastVersion = 0;
                needsState |= change.Event == "unblock";
                ScheduleFlushLocked(states.LastFlush, states.RateLimit);
            }

            if (_readingsBatch is { } readings && readings.Trackers.TryGetValue(id, out var read))
            {
                readings.Pending.Add(new PendingReadings(null, lifecycle.Item(read.Dates)));
                read.Blocked = blocked;
                ScheduleFlushLocked(readings.LastFlush, readings.RateLimit);
            }

            if (_iotMonitor is { } monitor && monitor.Trackers.TryGetValue(id, out var iot))
            {
                // The Data Stream Analyzer has no lifecycle items: a blocked tracker's values stop, and
                // after unblock its current state is the next message.
                iot.Blocked = blocked;
                needsState |= change.Event == "unblock";
            }

            if (change.Event == "corrupt")
            {
                // The tracker is gone: its lifecycle event is the last thing the client hears of it.
                _state.Remove(id);
                _stateBatch?.Trackers.Remove(id);
                _readingsBatch?.Trackers.Remove(id);
                _iotMonitor?.Trackers.Remove(id);
                _iotMonitor?.Pending.Remove(id);
                Index.RemoveTracker(id, this);
                needsState = false;
            }
        }

        return needsState;
    }

    /// <summary>The session ended: <c>logout</c> once, and every subscription made with its hash stops. The connection stays.</summary>
    public void EndSession(long sessionId, Payload logout)
    {
        lock (_gate)
        {
            if (_released || !_sessions.Remove(sessionId))
            {
                return;
            }

            Index.RemoveSession(sessionId, this);
            AddLocked(logout);
            foreach (var id in _state.Where(w => w.Value.SessionId == sessionId).Select(w => w.Key).ToList())
            {
                _state.Remove(id);
                _outbox.RemoveState(id);
                RemoveFromIndexIfUnwatchedLocked(id);
            }

            foreach (var id in _stateBatch?.Trackers.Where(w => w.Value.SessionId == sessionId).Select(w => w.Key).ToList() ?? [])
            {
                _stateBatch!.Trackers.Remove(id);
                _stateBatch.Pending.Remove(id);
                RemoveFromIndexIfUnwatchedLocked(id);
            }

            foreach (var id in _readingsBatch?.Trackers.Where(w => w.Value.SessionId == sessionId).Select(w => w.Key).ToList() ?? [])
            {
                _readingsBatch!.Trackers.Remove(id);
                _readingsBatch.Pending.Remove(id);
                RemoveFromIndexIfUnwatchedLocked(id);
            }

            foreach (var id in _iotMonitor?.Trackers.Where(w => w.Value.SessionId == sessionId).Select(w => w.Key).ToList() ?? [])
            {
                _iotMonitor!.Trackers.Remove(id);
                _iotMonitor.Pending.Remove(id);
                RemoveFromIndexIfUnwatchedLocked(id);
            }
        }
    }

    /// <summary>Builds the batch frames that are due; returns when the next one will be.</summary>
    private TimeSpan FlushBatchesLocked()
    {
        var next = TimeSpan.MaxValue;
        var now = Time.GetTimestamp();
        if (_stateBatch is { Pending.Count: > 0 } states)
        {
            next = Min(next, FlushLocked(states, now, pending =>
                EventFrames.BatchEvent("state_batch", pending.Select(p => p.Value.Item).ToList(), states.UserTimeDates, Time.GetUtcNow())));
        }

        if (_readingsBatch is { Pending.Count: > 0 } readings)
        {
            next = Min(next, FlushLocked(readings, now, pending =>
            {
                var items = new List<byte[]>();
                foreach (var (key, entry) in pending)
                {
                    if (entry.Lifecycle is { } lifecycle)
                    {
                        items.Add(lifecycle);
                    }
                    else if (key is { } id && readings.Trackers.TryGetValue(id, out var watch)
                        && entry.Items!.Values.Where(i => watch.Filter.Includes(i, watch.Components)).ToList() is { Count: > 0 } changed)
                    {
                        items.Add(EventFrames.ReadingsItem(id, changed, watch.Dates, entry.Timestamp));
                    }
                }

                return items.Count > 0 ? EventFrames.BatchEvent("readings_batch", items, null, Time.GetUtcNow()) : null;
            }));
        }

        if (_iotMonitor is { Pending.Count: > 0 } monitor)
        {
            next = Min(next, FlushLocked(monitor, now, pending =>
            {
                var trackers = new List<(long, IotWatch)>();
                foreach (var (key, _) in pending)
                {
                    if (key is { } id && monitor.Trackers.TryGetValue(id, out var watch))
                    {
                        trackers.Add((id, watch));
                    }
                }

                return trackers.Count > 0 ? EventFrames.IotMonitorEvent(trackers) : null;
            }));
        }

        return next;
    }

    private TimeSpan FlushLocked<TWatch, TPending>(BatchStream<TWatch, TPending> stream, long now,
        Func<List<(long? Key, TPending Value)>, Payload?> build)
    {
        var wait = stream.RateLimit - Time.GetElapsedTime(stream.LastFlush, now);
        if (wait > TimeSpan.Zero)
        {
            return wait;
        }

        if (_outbox.PendingBatches > 0)
        {
            return stream.RateLimit; // the last frame is still waiting for the socket: no second one behind it
        }

        stream.LastFlush = now;
        if (build(stream.Pending.Drain()) is { } frame)
        {
            AddLocked(frame);
        }

        return TimeSpan.MaxValue;
    }

    private void ScheduleFlushLocked(long lastFlush, TimeSpan rateLimit)
    {
        var wait = rateLimit - Time.GetElapsedTime(lastFlush);
        ScheduleLocked(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
    }

    private void RemoveFromIndexIfUnwatchedLocked(long trackerId)
    {
        if (!IsWatchedLocked(trackerId))
        {
            Index.RemoveTracker(trackerId, this);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

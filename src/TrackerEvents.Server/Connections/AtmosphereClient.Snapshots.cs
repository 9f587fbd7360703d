using TrackerEvents.Dispatch;
using TrackerEvents.Subscriptions;
using TrackerEvents.Tracking;

namespace TrackerEvents.Connections;

/// <summary>Snapshots after a subscribe, and states sent again after a reconnect.</summary>
internal sealed partial class AtmosphereClient
{
    /// <summary>Trackers whose state (event or batch item) was queued for this client at a version above <paramref name="version"/>.</summary>
    public IReadOnlyList<long> TrackersSentAfter(long version)
    {
        lock (_gate)
        {
            return _state.Where(w => w.Value.LastVersion > version).Select(w => w.Key)
                .Concat(_stateBatch?.Trackers.Where(w => w.Value.LastVersion > version).Select(w => w.Key) ?? [])
                .Distinct().ToList();
        }
    }

    /// <summary>
    /// Queues these states again after a reconnect, even if they were sent before (the old connection
    /// may have swallowed them). A state newer than the snapshot, dispatched while it was being read,
    /// is already queued for the new connection and is kept: an older snapshot never replaces it.
    /// </summary>
    public void Redeliver(IEnumerable<StateRendering> states)
    {
        lock (_gate)
        {
            foreach (var state in states)
            {
                if (_state.TryGetValue(state.TrackerId, out var watch) && !watch.Blocked && state.Version >= watch.LastVersion)
                {
                    watch.LastVersion = state.Version;
                    _outbox.PutState(state.TrackerId, state.Event(watch.Format, watch.Dates));
                }

                if (_stateBatch is { } stream && stream.Trackers.TryGetValue(state.TrackerId, out var batched) && !batched.Blocked
                    && state.Version >= batched.LastVersion)
                {
                    batched.LastVersion = state.Version;
                    stream.Pending.Put(state.TrackerId, new PendingState(state.BatchItem(batched.Format, batched.Dates), state.Version));
                    ScheduleFlushLocked(stream.LastFlush, stream.RateLimit);
                }
            }
        }
    }

    /// <summary>The snapshot of a <c>state</c> subscribe: one event per tracker, unless a newer one was already queued.</summary>
    public void SendStateSnapshot(IEnumerable<StateRendering> states)
    {
        lock (_gate)
        {
            foreach (var state in states)
            {
                if (_state.TryGetValue(state.TrackerId, out var watch) && !watch.Blocked && state.Version > watch.LastVersion)
                {
                    watch.LastVersion = state.Version;
                    _outbox.PutState(state.TrackerId, state.Event(watch.Format, watch.Dates));
                }
            }
        }
    }

    /// <summary>The snapshot of a <c>state_batch</c> subscribe: one frame with the current state of each non-blocked tracker.</summary>
    public void SendStateBatchSnapshot(IEnumerable<StateRendering> states, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_released || _stateBatch is not { } stream)
            {
                return;
            }

            var items = new List<byte[]>();
            foreach (var state in states)
            {
                if (stream.Trackers.TryGetValue(state.TrackerId, out var watch) && !watch.Blocked && state.Version > watch.LastVersion)
                {
                    watch.LastVersion = state.Version;
                    items.Add(state.BatchItem(watch.Format, watch.Dates));
                    if (stream.Pending.TryGet(state.TrackerId, out var pending) && pending.Version <= state.Version)
                    {
                        stream.Pending.Remove(state.TrackerId); // the snapshot already carries it
                    }
                }
            }

            AddLocked(EventFrames.BatchEvent("state_batch", items, stream.UserTimeDates, now));
        }
    }

    /// <summary>
    /// The packet right after an <c>iot_monitor</c> subscribe: each tracker's current state recorded as a
    /// message (unless a newer one already was), then one frame with the values of these trackers.
    /// </summary>
    public void SendIotSnapshot(IReadOnlyList<long> trackerIds, IEnumerable<StateRendering> states)
    {
        lock (_gate)
        {
            if (_released || _iotMonitor is not { } monitor)
            {
                return;
            }

            foreach (var state in states)
            {
                if (monitor.Trackers.TryGetValue(state.TrackerId, out var watch) && !watch.Blocked)
                {
                    watch.Record(state.IotMessage, state.Version);
                }
            }

            var trackers = new List<(long, IotWatch)>();
            foreach (var id in trackerIds)
            {
                if (monitor.Trackers.TryGetValue(id, out var watch) && !watch.Blocked)
                {
                    trackers.Add((id, watch));
                    monitor.Pending.Remove(id); // the packet carries it
                }
            }

            AddLocked(EventFrames.IotMonitorEvent(trackers));
        }
    }

    /// <summary>The snapshot of a <c>readings_batch</c> subscribe: one frame with every tracker's current readings.</summary>
    public void SendReadingsSnapshot(IReadOnlyDictionary<long, IReadOnlyList<ReadingItem>> readings, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_released || _readingsBatch is not { } stream)
            {
                return;
            }

            var items = new List<byte[]>();
            foreach (var (id, all) in readings)
            {
                if (stream.Trackers.TryGetValue(id, out var watch) && !watch.Blocked)
                {
                    watch.Components.UnionWith(ReadingsFilter.ComponentIds(all));
                    items.Add(EventFrames.ReadingsItem(id, all.Where(i => watch.Filter.Includes(i, watch.Components)), watch.Dates, now));
                }
            }

            AddLocked(EventFrames.BatchEvent("readings_batch", items, null, now));
        }
    }
}

using TrackerEvents.Tracking;

namespace TrackerEvents.Store;

/// <summary>
/// One change of a tracker's state, merged inside the write transaction onto the state stored there.
/// <see cref="Merge"/> gets that state and the transaction's time, and returns the new state; it must
/// not throw (validate before). <see cref="FromDevice"/>: the point came from the tracker's own device,
/// which sets <c>reported_at</c> (the connection-status sweep watches it).
/// </summary>
internal sealed record StateWrite(long TrackerId, Func<TrackerState, DateTimeOffset, TrackerState> Merge, bool FromDevice);

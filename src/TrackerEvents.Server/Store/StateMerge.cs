using TrackerEvents.Tracking;

namespace TrackerEvents.Store;

/// <summary>
/// Writes merged in order onto their trackers' states, and the rows that store the results: what a state write
/// does between learning its trackers' states and writing them, the same in a transaction
/// (<see cref="StateStore"/>) and in one statement (<see cref="OneStatementWrite"/>).
/// </summary>
/// <param name="Written">Per write, whether its tracker is live (a write of any other is not merged).</param>
/// <param name="Rows">One per tracker changed, in the order of its first write; <c>reported_at</c> only with a device's point.</param>
/// <param name="Stored">Each changed tracker's state as it reads back from its row.</param>
internal sealed record StateMerge(bool[] Written, List<StateRowWriter.Row> Rows, Dictionary<long, TrackerState> Stored)
{
    /// <param name="live">Whether a tracker may be written.</param>
    /// <param name="states">The trackers' states to merge onto (a live one missing: the initial state); merged in place.</param>
    /// <param name="now">The write's time, in the milliseconds the stored form keeps.</param>
    public static StateMerge Of(IReadOnlyList<StateWrite> writes, Func<long, bool> live, Dictionary<long, TrackerState> states, DateTimeOffset now)
    {
        var written = new bool[writes.Count];
        var changed = new Dictionary<long, bool>(); // tracker → a point from its device
        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            if (!live(write.TrackerId))
            {
                continue;
            }

            states[write.TrackerId] = write.Merge(states.GetValueOrDefault(write.TrackerId, TrackerState.Initial), now);
            changed[write.TrackerId] = changed.GetValueOrDefault(write.TrackerId) || write.FromDevice;
            written[i] = true;
        }

        using var json = new WrittenStates.Writer();
        var reportedAt = now.ToUnixTimeMilliseconds();
        var stored = new Dictionary<long, TrackerState>(changed.Count);
        var rows = new List<StateRowWriter.Row>(changed.Count);
        foreach (var (trackerId, fromDevice) in changed)
        {
            rows.Add(new StateRowWriter.Row(trackerId, WrittenStates.Serialize(states[trackerId], json, out var exact), fromDevice ? reportedAt : null));
            stored[trackerId] = exact;
        }

        return new StateMerge(written, rows, stored);
    }
}

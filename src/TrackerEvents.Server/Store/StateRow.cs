namespace TrackerEvents.Store;

// Column types round-trip the same on SQLite and PostgreSQL: ids and times are 64-bit integers (times
// in Unix milliseconds), flags are booleans.

/// <summary>A <c>tracker_states</c> row, as Dapper reads it; the state is its stored JSON.</summary>
internal sealed class StateRow
{
    public long TrackerId { get; set; }
    public byte[] State { get; set; } = [];
    public long Version { get; set; }
}

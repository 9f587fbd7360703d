namespace TrackerEvents.Store;

// Column types round-trip the same on SQLite and PostgreSQL: ids and times are 64-bit integers (times
// in Unix milliseconds), flags are booleans.

/// <summary>A <c>tracker_readings</c> row, as Dapper reads it; the item is its stored JSON.</summary>
internal sealed class ReadingRow
{
    public long TrackerId { get; set; }
    public string Kind { get; set; } = "";
    public string ItemKey { get; set; } = "";
    public string Item { get; set; } = "";
}

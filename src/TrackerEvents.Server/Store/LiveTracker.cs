namespace TrackerEvents.Store;

/// <summary>
/// A tracker about to be written, as Dapper reads <see cref="StoreStatements.SelectLiveStatesForWrite"/>: its owner,
/// data source, blocked flag and its state row's version (null: no row).
/// </summary>
internal sealed class LiveTracker
{
    public long TrackerId { get; set; }
    public long UserId { get; set; }
    public long SourceId { get; set; }
    public bool Blocked { get; set; }
    public long? Version { get; set; }
}

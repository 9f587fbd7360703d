namespace TrackerEvents.Store;

/// <summary>
/// A tracker with its owner, data source, blocked flag and its state row's version (null: no row), as Dapper reads
/// <see cref="StoreStatements.SelectLiveStatesForWrite"/> before a write and <see cref="StoreStatements.SelectWrittenVersions"/>
/// after one (whose rows all have a version); <see cref="StoreStatements.SelectStateVersionsForUpdate"/> fills only
/// the id and the version.
/// </summary>
internal sealed class LiveTracker
{
    public long TrackerId { get; set; }
    public long UserId { get; set; }
    public long SourceId { get; set; }
    public bool Blocked { get; set; }
    public long? Version { get; set; }
}

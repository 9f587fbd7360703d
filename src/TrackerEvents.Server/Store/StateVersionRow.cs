namespace TrackerEvents.Store;

/// <summary>
/// A state row's version with its tracker's owner, data source and blocked flag, as Dapper reads
/// <see cref="StoreStatements.SelectWrittenVersions"/>: what a write hands over with the state it wrote.
/// </summary>
internal sealed class StateVersionRow
{
    public long TrackerId { get; set; }
    public long UserId { get; set; }
    public long SourceId { get; set; }
    public bool Blocked { get; set; }
    public long Version { get; set; }
}

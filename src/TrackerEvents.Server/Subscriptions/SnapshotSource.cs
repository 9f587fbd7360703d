namespace TrackerEvents.Subscriptions;

/// <summary>What a stream's snapshot is made of, so that a subscribe reads each from the store once.</summary>
internal enum SnapshotSource
{
    States,
    Readings,
}

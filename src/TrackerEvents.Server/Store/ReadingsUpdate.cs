using TrackerEvents.Tracking;

namespace TrackerEvents.Store;

/// <summary>The validated readings updates of one ingest item.</summary>
internal sealed record ReadingsUpdate(long TrackerId, IReadOnlyList<ReadingUpdate> Items);

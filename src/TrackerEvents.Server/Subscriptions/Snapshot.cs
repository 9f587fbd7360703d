using TrackerEvents.Messages;
using TrackerEvents.Tracking;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// What a subscribe read from the store for its snapshots, once for all its requests: the current states
/// (rendered lazily, shared by the requests) and the readings of the trackers whose streams take readings.
/// </summary>
internal sealed record Snapshot(IReadOnlyList<StateRendering> States, IReadOnlyDictionary<long, IReadOnlyList<ReadingItem>> Readings, DateTimeOffset Now);

using TrackerEvents.Tracking;

namespace TrackerEvents.Messages;

/// <summary>One request of an action: its type, target and options.</summary>
internal sealed record RequestSpec(string Type, bool All, IReadOnlyList<long> TrackerIds, StateFormat Format, TimeSpan RateLimit, ReadingsFilter Filter);

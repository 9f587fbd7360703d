using System.Text.Json;

namespace TrackerEvents.Store;

/// <summary>One validated state update of an ingest batch.</summary>
internal sealed record StateUpdate(long TrackerId, JsonElement Patch);

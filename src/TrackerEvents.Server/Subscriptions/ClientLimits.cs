namespace TrackerEvents.Subscriptions;

/// <summary>The limits every client obeys (from the <c>Atmosphere</c> settings).</summary>
/// <param name="Retention">How long a dropped client is kept for its reconnect.</param>
/// <param name="MaxQueuedMessages">Messages (other than conflated states) waiting before the client is dropped as too slow.</param>
/// <param name="MaxActionsPerSecond">Actions per second before error 15.</param>
/// <param name="MaxTrackersPerConnection">Tracker subscriptions over all streams.</param>
/// <param name="MaxConnectionsPerUser">Clients that may act for one user at a time.</param>
/// <param name="BatchPhases">Points of each rate-limit period that batch frames are spread over (<see cref="BatchPhase"/>).</param>
internal sealed record ClientLimits(TimeSpan Retention, int MaxQueuedMessages, int MaxActionsPerSecond, int MaxTrackersPerConnection, int MaxConnectionsPerUser,
    int BatchPhases);

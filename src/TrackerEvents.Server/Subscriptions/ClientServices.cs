namespace TrackerEvents.Subscriptions;

/// <summary>What every client of a <see cref="ClientRegistry"/> shares: its limits, the clock, the timer wheel, the index, the counters, the shared batch frames, the log.</summary>
internal sealed record ClientServices(ClientLimits Limits, TimeProvider Time, TimerWheel Wheel, SubscriptionIndex Index, ConnectionMetrics Metrics,
    BatchFrames Frames, ILogger Logger);

namespace TrackerEvents.Tracking;

/// <summary>One entry of the change feed. Versions are unique and increase in commit order.</summary>
internal abstract record Change(long Version);

/// <summary>A tracker's current state, as of this version.</summary>
internal sealed record StateChange(long Version, long TrackerId, long UserId, long SourceId, bool Blocked, TrackerState State)
    : Change(Version);

/// <summary>One readings item of a tracker, as of this version.</summary>
internal sealed record ReadingChange(long Version, long TrackerId, long UserId, bool Blocked, ReadingItem Item) : Change(Version);

/// <summary>A tracker was blocked, unblocked or corrupted (removed).</summary>
internal sealed record LifecycleChange(long Version, long TrackerId, long UserId, long SourceId, string Event, DateTimeOffset OccurredAt)
    : Change(Version);

/// <summary>A session or API key ended (logout, expiry, password change, user blocked).</summary>
internal sealed record SessionEndedChange(long Version, long SessionId, long UserId, string Reason) : Change(Version);

/// <summary>A client was closed by a close request that reached another node, from <paramref name="Address"/>.</summary>
internal sealed record ClientClosedChange(long Version, string TrackingId, string? Address) : Change(Version);

/// <summary>Changes after a watermark, in version order, and the watermark to read from next.</summary>
internal sealed record ChangeBatch(IReadOnlyList<Change> Changes, long Watermark, bool More);

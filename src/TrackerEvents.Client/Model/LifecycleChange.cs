namespace TrackerEvents.Client;

/// <summary>A tracker was blocked, unblocked or corrupted (removed): a <c>lifecycle</c> event's data, or a batch item.</summary>
public sealed record LifecycleChange
{
    /// <summary>The tracker's source id.</summary>
    public long SourceId { get; init; }

    /// <summary><c>block</c>, <c>unblock</c> or <c>corrupt</c>.</summary>
    public string LifecycleEvent { get; init; } = "";

    /// <summary>When it happened, where the server says.</summary>
    public DateTimeOffset? Timestamp { get; init; }
}

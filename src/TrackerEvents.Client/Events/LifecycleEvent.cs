namespace TrackerEvents.Client;

/// <summary>A <c>lifecycle</c> event (for <c>state</c> subscriptions): a tracker was blocked, unblocked or corrupted.</summary>
/// <param name="Change">What happened to which tracker.</param>
/// <param name="RawJson">The message as UTF-8 JSON.</param>
public sealed record LifecycleEvent(LifecycleChange Change, ReadOnlyMemory<byte> RawJson) : TrackerEvent(RawJson)
{
    /// <inheritdoc />
    public override string Name => EventNames.Lifecycle;
}

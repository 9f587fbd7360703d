namespace TrackerEvents.Client;

/// <summary>
/// A <c>state_batch</c> event: the states of all subscribed trackers right after subscribing, then every
/// <c>rate_limit</c> the latest state of each tracker that changed. Items are read in both published shapes:
/// wrapped (<c>source_state_event</c>, <c>lifecycle_event</c>) and bare states.
/// </summary>
/// <param name="States">The latest state of each tracker in the batch.</param>
/// <param name="Lifecycle">Trackers blocked, unblocked or corrupted meanwhile.</param>
/// <param name="UserTime">The user's current time, when the server sends it.</param>
/// <param name="RawJson">The message as UTF-8 JSON.</param>
public sealed record StateBatchEvent(
    IReadOnlyList<TrackerState> States, IReadOnlyList<LifecycleChange> Lifecycle, DateTimeOffset? UserTime, ReadOnlyMemory<byte> RawJson)
    : TrackerEvent(RawJson)
{
    private protected override ReadOnlyMemory<byte> Render() => EventJson.Write(this);

    /// <inheritdoc />
    public override string Name => EventNames.StateBatch;
}

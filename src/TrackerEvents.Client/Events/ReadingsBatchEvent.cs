namespace TrackerEvents.Client;

/// <summary>
/// A <c>readings_batch</c> event: all readings right after subscribing, then at most every <c>rate_limit</c>
/// the readings that changed (each item holds only what changed).
/// </summary>
/// <param name="Readings">Per tracker, the readings that changed.</param>
/// <param name="Lifecycle">Trackers blocked, unblocked or corrupted meanwhile.</param>
/// <param name="UserTime">The user's current time, when the server sends it.</param>
/// <param name="RawJson">The message as UTF-8 JSON.</param>
public sealed record ReadingsBatchEvent(
    IReadOnlyList<TrackerReadings> Readings, IReadOnlyList<LifecycleChange> Lifecycle, DateTimeOffset? UserTime, ReadOnlyMemory<byte> RawJson)
    : TrackerEvent(RawJson)
{
    private protected override ReadOnlyMemory<byte> Render() => EventJson.Write(this);

    /// <inheritdoc />
    public override string Name => EventNames.ReadingsBatch;
}

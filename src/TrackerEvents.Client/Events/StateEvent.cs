namespace TrackerEvents.Client;

/// <summary>A <c>state</c> event: one tracker's state, right after subscribing and then on every change.</summary>
/// <param name="State">The tracker's whole current state.</param>
/// <param name="UserTime">The user's current time, when the server sends it.</param>
/// <param name="RawJson">The message as UTF-8 JSON.</param>
public sealed record StateEvent(TrackerState State, DateTimeOffset? UserTime, ReadOnlyMemory<byte> RawJson) : TrackerEvent(RawJson)
{
    /// <inheritdoc />
    public override string Name => EventNames.State;
}

namespace TrackerEvents.Client;

/// <summary>An event of a kind this client does not know, passed on as it came (read it from <see cref="TrackerEvent.RawJson"/>).</summary>
/// <param name="EventName">The event's name on the wire.</param>
/// <param name="RawJson">The message as UTF-8 JSON.</param>
public sealed record OtherEvent(string EventName, ReadOnlyMemory<byte> RawJson) : TrackerEvent(RawJson)
{
    /// <inheritdoc />
    public override string Name => EventName;
}

namespace TrackerEvents.Client;

/// <summary>An <c>iot_monitor</c> packet (Data Stream Analyzer): the last messages' values of each tracker that changed.</summary>
/// <param name="Trackers">The trackers of the packet.</param>
/// <param name="RawJson">The message as UTF-8 JSON.</param>
public sealed record IotMonitorEvent(IReadOnlyList<IotTrackerValues> Trackers, ReadOnlyMemory<byte> RawJson) : TrackerEvent(RawJson)
{
    private protected override ReadOnlyMemory<byte> Render() => EventJson.Write(this);

    /// <inheritdoc />
    public override string Name => EventNames.IotMonitor;
}

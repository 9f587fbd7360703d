using System.Text.Json;

namespace TrackerEvents.Client;

/// <summary>
/// One tracker of an <c>iot_monitor</c> packet: per attribute, the values of its last messages, newest first;
/// <see cref="NonnullFields"/> skips messages that lacked the attribute, <see cref="AllFields"/> has a null there.
/// </summary>
public sealed record IotTrackerValues
{
    /// <summary>The tracker id.</summary>
    public long TrackerId { get; init; }

    /// <summary>Attribute → values from the messages that had it.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<IotValue>>? NonnullFields { get; init; }

    /// <summary>Attribute → values from every message (null where one lacked it).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<IotValue>>? AllFields { get; init; }
}

/// <summary>One attribute value of one message.</summary>
public sealed record IotValue
{
    /// <summary>The message's time (the fix's time).</summary>
    public DateTimeOffset? MsgTime { get; init; }

    /// <summary>When the server received it.</summary>
    public DateTimeOffset? SrvTime { get; init; }

    /// <summary>The value (number, string, boolean or null).</summary>
    public JsonElement? Value { get; init; }
}

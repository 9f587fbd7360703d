namespace TrackerEvents.Messages;

/// <summary>One attribute value of one <c>iot_monitor</c> message: its JSON (null when the message lacked it) and its times.</summary>
internal readonly record struct IotValue(string? Json, DateTimeOffset MessageTime, DateTimeOffset ServerTime);

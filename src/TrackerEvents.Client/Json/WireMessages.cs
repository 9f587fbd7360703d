using System.Text.Json;

namespace TrackerEvents.Client.Json;

// The shapes of the Navixy messages and answers as they are read and written; the public model types carry the payloads.

/// <summary>A subscribe or unsubscribe action, in the documented <c>requests</c> form.</summary>
internal sealed record ActionMessage(string Action, string Hash, IReadOnlyList<SubscriptionRequest> Requests, bool IsoDatetime);

/// <summary><c>{"type":"event","event":"state","user_time":..,"data":{state}}</c>.</summary>
internal sealed record StateMessage(DateTimeOffset? UserTime, TrackerState? Data);

/// <summary><c>state_batch</c>: wrapped items (<c>source_state_event</c>, <c>lifecycle_event</c>) or bare states.</summary>
internal sealed record StateBatchMessage(DateTimeOffset? UserTime, IReadOnlyList<StateBatchItem>? Data);

/// <summary><c>readings_batch</c>: <c>readings_event</c> and <c>lifecycle_event</c> items.</summary>
internal sealed record ReadingsBatchMessage(DateTimeOffset? UserTime, IReadOnlyList<ReadingsBatchItem>? Data);

/// <summary><c>{"event":"iot_monitor","data":{"iot_last_values":[..]}}</c>.</summary>
internal sealed record IotMonitorMessage(IotMonitorData? Data);

/// <summary>The data of an <c>iot_monitor</c> packet.</summary>
internal sealed record IotMonitorData(IReadOnlyList<IotTrackerValues>? IotLastValues);

/// <summary><c>{"event":"lifecycle","data":{"source_id":..,"lifecycle_event":..}}</c>.</summary>
internal sealed record LifecycleMessage(LifecycleChange? Data);

/// <summary>An event whose data is kept as it came (<c>logout</c>'s string).</summary>
internal sealed record ElementMessage(JsonElement Data);

/// <summary><c>{"type":"response"|"error","action":..,"status":{..},"data":..}</c>.</summary>
internal sealed record ReplyMessage(string? Action, ErrorStatus? Status, JsonElement Data);

/// <summary><c>status</c> of an error.</summary>
internal sealed record ErrorStatus(int Code, string? Description);

/// <summary>Any API answer: <c>success</c>, and on failure <c>status</c> and <c>errors</c>.</summary>
internal sealed record ApiEnvelope(bool Success, ErrorStatus? Status, IReadOnlyList<ParameterError>? Errors);

/// <summary>The answer of <c>user/auth</c>.</summary>
internal sealed record AuthAnswer(string? Hash, string? Type);

/// <summary>The answer of <c>tracker/list</c>.</summary>
internal sealed record TrackerListAnswer(IReadOnlyList<Tracker>? List);

/// <summary>The answer of <c>tracker/readings/batch_list</c>.</summary>
internal sealed record ReadingsAnswer(IReadOnlyDictionary<long, TrackerReadings>? Result);

/// <summary>
/// An item of a <c>state_batch</c>: <c>{"type":"source_state_event","state":{..}}</c>,
/// <c>{"type":"lifecycle_event","source_id":..,"lifecycle_event":..,"timestamp":..}</c>, or (as the published
/// documentation shows it) a bare state, which is this object itself.
/// </summary>
internal sealed record StateBatchItem : TrackerState
{
    public string? Type { get; init; }

    public TrackerState? State { get; init; }

    public string? LifecycleEvent { get; init; }

    public DateTimeOffset? Timestamp { get; init; }
}

/// <summary>An item of a <c>readings_batch</c>: a <c>readings_event</c> (this object) or a <c>lifecycle_event</c>.</summary>
internal sealed record ReadingsBatchItem : TrackerReadings
{
    public string? Type { get; init; }

    public long? SourceId { get; init; }

    public string? LifecycleEvent { get; init; }
}

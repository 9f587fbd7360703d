using System.Collections.Immutable;

namespace TrackerEvents.Tracking;

/// <summary>
/// The fields of a <see cref="TrackerState"/> while a patch is merged into them (<see cref="StatePatch"/>), made
/// into one state at the end: a <c>with</c> per field copied the whole state each time, some twenty copies
/// to read one stored state.
/// </summary>
internal struct StateDraft(TrackerState s)
{
    public GpsState Gps = s.Gps;
    public string ConnectionStatus = s.ConnectionStatus;
    public string MovementStatus = s.MovementStatus;
    public DateTimeOffset? MovementStatusUpdate = s.MovementStatusUpdate;
    public bool? Ignition = s.Ignition;
    public DateTimeOffset? IgnitionUpdate = s.IgnitionUpdate;
    public GsmState? Gsm = s.Gsm;
    public DateTimeOffset? LastUpdate = s.LastUpdate;
    public int? BatteryLevel = s.BatteryLevel;
    public DateTimeOffset? BatteryUpdate = s.BatteryUpdate;
    public ImmutableArray<bool> Inputs = s.Inputs;
    public DateTimeOffset? InputsUpdate = s.InputsUpdate;
    public ImmutableArray<bool> Outputs = s.Outputs;
    public DateTimeOffset? OutputsUpdate = s.OutputsUpdate;
    public ImmutableSortedDictionary<string, AdditionalValue> Additional = s.Additional;
    public DateTimeOffset? ActualTrackUpdate = s.ActualTrackUpdate;
    public GpsState? LastGpsFix = s.LastGpsFix;

    public readonly TrackerState ToState() => new()
    {
        Gps = Gps,
        ConnectionStatus = ConnectionStatus,
        MovementStatus = MovementStatus,
        MovementStatusUpdate = MovementStatusUpdate,
        Ignition = Ignition,
        IgnitionUpdate = IgnitionUpdate,
        Gsm = Gsm,
        LastUpdate = LastUpdate,
        BatteryLevel = BatteryLevel,
        BatteryUpdate = BatteryUpdate,
        Inputs = Inputs,
        InputsUpdate = InputsUpdate,
        Outputs = Outputs,
        OutputsUpdate = OutputsUpdate,
        Additional = Additional,
        ActualTrackUpdate = ActualTrackUpdate,
        LastGpsFix = LastGpsFix,
    };
}

namespace TrackerEvents.Store;

/// <summary>Why the store refused a write (<see cref="StoreConflictException.Conflict"/>).</summary>
internal enum StoreConflict
{
    LoginInUse,
    DeviceIdInUse,
    UnknownTracker,
    TooManySessions,
}

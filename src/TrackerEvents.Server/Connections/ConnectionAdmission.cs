namespace TrackerEvents.Connections;

/// <summary>What <see cref="ConnectionSlots.TryTake"/> decided.</summary>
internal enum ConnectionAdmission
{
    Admitted,
    ProcessFull,
    AddressFull,
}

namespace TrackerEvents.Store;

/// <summary>A write the store refused for a reason the caller can report (a taken login, an unknown tracker…).</summary>
internal sealed class StoreConflictException(StoreConflict conflict, string message, int? itemIndex = null) : Exception(message)
{
    public StoreConflict Conflict { get; } = conflict;

    /// <summary>The batch item that caused it, for batch writes.</summary>
    public int? ItemIndex { get; } = itemIndex;
}

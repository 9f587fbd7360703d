namespace TrackerEvents.Store;

/// <summary>A tag bound to a tracker, with its ordinal (unique per tracker, 1 to <see cref="MaxOrdinal"/>).</summary>
internal sealed record TagBinding(long TagId, long Ordinal)
{
    public const long MaxOrdinal = 5;
}

namespace TrackerEvents.Store;

// Column types round-trip the same on SQLite and PostgreSQL: ids and times are 64-bit integers (times
// in Unix milliseconds), flags are booleans.

/// <summary>A <c>trackers</c> row with its data source (<c>sources</c>), as Dapper reads it.</summary>
internal sealed class TrackerRow
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public string Label { get; set; } = "";
    public bool Clone { get; set; }
    public long GroupId { get; set; }
    public string? AvatarFileName { get; set; }
    public bool Corrupted { get; set; }
    public long SourceId { get; set; }
    public string DeviceId { get; set; } = "";
    public string Model { get; set; } = "";
    public bool Blocked { get; set; }
    public long TariffId { get; set; }
    public long? StatusListingId { get; set; }
    public string CreationDate { get; set; } = "";
    public string? TariffEndDate { get; set; }
    public string? Phone { get; set; }
}

namespace TrackerEvents.Store;

// Column types round-trip the same on SQLite and PostgreSQL: ids and times are 64-bit integers (times
// in Unix milliseconds).

/// <summary>A <c>tags</c> row, as Dapper reads it.</summary>
internal sealed class TagRow
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string Color { get; set; } = "";
    public string? AvatarFileName { get; set; }
}

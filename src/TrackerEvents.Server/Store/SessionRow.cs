namespace TrackerEvents.Store;

// Column types round-trip the same on SQLite and PostgreSQL: ids and times are 64-bit integers (times
// in Unix milliseconds), flags are booleans.

/// <summary>A <c>sessions</c> row with its user's login, time zone and blocked flag, as Dapper reads it.</summary>
internal sealed class SessionRow
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public string Kind { get; set; } = "";
    public long LastUsedAt { get; set; }
    public long? ExpiresAt { get; set; }
    public long? EndedAt { get; set; }
    public string? EndReason { get; set; }
    public string Login { get; set; } = "";
    public string TimeZone { get; set; } = "UTC";
    public bool UserBlocked { get; set; }
}

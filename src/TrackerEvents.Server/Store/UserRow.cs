namespace TrackerEvents.Store;

// Column types round-trip the same on SQLite and PostgreSQL: ids and times are 64-bit integers (times
// in Unix milliseconds), flags are booleans.

/// <summary>A <c>users</c> row, as Dapper reads it.</summary>
internal sealed class UserRow
{
    public long Id { get; set; }
    public string Login { get; set; } = "";
    public string? PasswordHash { get; set; }
    public string TimeZone { get; set; } = "UTC";
    public bool Blocked { get; set; }

    /// <summary>When the user was created (Unix milliseconds).</summary>
    public long CreatedAt { get; set; }
}

namespace TrackerEvents.Store;

// Rows as Dapper reads them. Column types round-trip the same on SQLite and PostgreSQL: ids and
// times are 64-bit integers (times in Unix milliseconds), flags are booleans.

internal sealed class UserRow
{
    public long Id { get; set; }
    public string Login { get; set; } = "";
    public string? PasswordHash { get; set; }
    public string TimeZone { get; set; } = "UTC";
    public bool Blocked { get; set; }
}

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

internal sealed class StateRow
{
    public long TrackerId { get; set; }
    public string State { get; set; } = "";
}

internal sealed class ReadingRow
{
    public long TrackerId { get; set; }
    public string Kind { get; set; } = "";
    public string ItemKey { get; set; } = "";
    public string Item { get; set; } = "";
}

/// <summary>A tracker to create through the admin API.</summary>
internal sealed record NewTracker(
    long UserId,
    string Label,
    string DeviceId,
    string Model,
    long GroupId,
    string? Phone,
    string? TariffEndDate);

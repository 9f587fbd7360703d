namespace TrackerEvents.Store;

// Column types round-trip the same on SQLite and PostgreSQL: ids and times are 64-bit integers (times
// in Unix milliseconds).

/// <summary>A live API key (a <c>sessions</c> row of kind <c>api_key</c>): only the digest of its hash is stored.</summary>
internal sealed class ApiKeyRow
{
    public long Id { get; set; }
    public string TokenHash { get; set; } = "";
    public string? Title { get; set; }
    public long CreatedAt { get; set; }
}

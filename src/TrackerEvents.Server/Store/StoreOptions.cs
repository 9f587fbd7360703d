using System.ComponentModel.DataAnnotations;

namespace TrackerEvents.Store;

/// <summary>Section <c>Store</c>: which engine holds the data.</summary>
public sealed class StoreOptions
{
    /// <summary><c>Sqlite</c> (default, embedded file) or <c>Postgres</c>.</summary>
    [Required, RegularExpression("^(Sqlite|Postgres)$", ErrorMessage = "Store:Provider must be Sqlite or Postgres.")]
    public string Provider { get; set; } = "Sqlite";

    /// <summary>How often the change feed is read when no wake-up arrives. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan SafetyPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// PostgreSQL: how long the database's announcement of a version waits for the hand-over of a write of this
    /// node still under way, before the change feed is read for it. Default 20 ms (about a commit's p99); 0: never waits.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan HandOverWait { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>SQLite only: how often the write-ahead log is copied into the database file. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// SQLite only: how often the entries of the states' change log whose state has moved on are deleted
    /// (<see cref="SqliteChangeLogPruner"/>). Default 1 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan ChangeLogPruneInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Most single-item state writes (device points, one-state ingest calls) that share one transaction.
    /// Default 1,000.
    /// </summary>
    [Range(1, 100_000)]
    public int GroupCommitMaxItems { get; set; } = 1000;

    /// <summary>
    /// How long a group commit waits for more writes after the first when none are queued. Default 0:
    /// a group is whatever arrived while the previous one was being written.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan GroupCommitDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// SQLite only: past this size, in bytes, the write-ahead log is checkpointed in full and truncated, with
    /// this process's writers held back for that moment; SQLite also trims the log to this size whenever it
    /// starts it again. Default 64 MiB.
    /// </summary>
    [Range(64 * 1024, 16L * 1024 * 1024 * 1024)]
    public long WalSizeLimit { get; set; } = 64 * 1024 * 1024;
}

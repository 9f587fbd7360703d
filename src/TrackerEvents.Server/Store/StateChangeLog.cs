using System.Data.Common;
using Dapper;
using static TrackerEvents.Store.Database;

namespace TrackerEvents.Store;

/// <summary>
/// Who deletes which entries of SQLite's log of state changes (<c>state_changes</c>,
/// <c>sql/sqlite/0007_state_change_log.sql</c>), where the feed finds changed states. A state write knows the
/// version each of its rows had, whose entry it supersedes. When that entry is among the log's recent ones (its
/// pages are those the commits are appending to anyway), the write deletes it in its own transaction: a tracker
/// written every second or so (devices) leaves nothing behind. An older one lies anywhere in the log, and deleting
/// it would dirty a page of its own, which is what the log is there to avoid: it is left to
/// <see cref="SqliteChangeLogPruner"/>, which deletes such entries in bulk, in version order, and paces itself
/// by how many were left (<see cref="TakeLeft"/>).
/// </summary>
internal sealed class StateChangeLog(IStoreDialect dialect)
{
    /// <summary>How far below a write's first version an entry counts as recent (deleted by the write itself).</summary>
    public const long RecentVersions = 32_768;

    private long _left;

    /// <summary>
    /// Inside a state write, after its rows are written: deletes the log's entries of the versions the rows had
    /// (<paramref name="superseded"/>; null: the row was new) where they are recent, and counts the others as left
    /// to the pruner. Does nothing where the engine keeps no log. Without a first version (a row had to be
    /// inserted) none is recent.
    /// </summary>
    public async Task DeleteSupersededAsync(DbConnection connection, DbTransaction transaction, IEnumerable<long?> superseded,
        long? firstVersion, CancellationToken cancellationToken)
    {
        if (dialect.DeleteLoggedVersions is not { } delete)
        {
            return; // no log, nothing to collect
        }

        long[] versions = [.. superseded.Where(v => v.HasValue).Select(v => v.GetValueOrDefault())]; // OfType boxed each one
        long[] recent = firstVersion is { } first ? [.. versions.Where(v => v > first - RecentVersions)] : [];
        Interlocked.Add(ref _left, versions.Length - recent.Length);
        if (recent.Length > 0)
        {
            await connection.ExecuteAsync(Command(delete, new { Versions = dialect.IdList(recent) }, cancellationToken, transaction));
        }
    }

    /// <summary>Entries that writes have left to the pruner since the last call.</summary>
    public long TakeLeft() => Interlocked.Exchange(ref _left, 0);
}

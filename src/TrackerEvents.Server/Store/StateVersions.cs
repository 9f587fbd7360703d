using System.Data.Common;
using Dapper;
using static TrackerEvents.Store.Database;

namespace TrackerEvents.Store;

/// <summary>
/// The version of each tracker's state row, followed in memory from SQLite's log of state changes
/// (<see cref="IStoreDialect.SelectLoggedStates"/>, <c>sql/sqlite/0007_state_change_log.sql</c>), so that a state
/// write whose trackers are known (<see cref="TrackerOwners"/>) need not read their rows' versions: a random page
/// per tracker, a quarter of many viewers' commit. Where the engine keeps no log, or a tracker's version is not
/// followed, the versions are read as before.
/// </summary>
/// <remarks>
/// Why the log is enough: a trigger logs every version a state row takes, whoever writes it (an insert included),
/// and only entries whose state has moved on are ever deleted, so the entries after a version name every tracker
/// whose row changed since, with its latest version last. Each write transaction first reads the entries logged
/// since the last it saw; it holds SQLite's write lock from its start, so nothing is logged meanwhile and what it
/// read is the rows' versions as it writes them. The followed versions come from the log alone, never from what a
/// writer says it wrote, so a late or lost word from a writer cannot leave one stale. A row deleted by another
/// program is found missing by the write's UPDATE, which then inserts it, as for a row never created.
/// </remarks>
internal sealed class StateVersions(Database database)
{
    /// <summary>Trackers followed (a bound on memory); the log's trackers past it are not followed, and their versions are read.</summary>
    public const int Capacity = 500_000;

    /// <summary>The most log entries one write reads; more (the first writes after start) are read over several writes.</summary>
    public const int CatchUpLimit = 10_000;

    private readonly Dictionary<long, long> _versions = [];
    private readonly Lock _gate = new();
    private long _seen; // the log's entries up to this version are in _versions

    /// <summary>Writes that took every version from here (an observable count, for tests and diagnostics).</summary>
    public long Hits { get; private set; }

    /// <summary>
    /// Inside a write transaction that holds the engine's write lock from its start: the state rows' versions of
    /// <paramref name="ids"/>, in order, when every one is followed; else null (read them).
    /// </summary>
    public async Task<long[]?> ReadAsync(DbConnection connection, DbTransaction transaction, long[] ids, CancellationToken cancellationToken)
    {
        if (database.Dialect.SelectLoggedStates is not { } select)
        {
            return null;
        }

        long after;
        lock (_gate)
        {
            after = _seen;
        }

        var logged = (await connection.QueryAsync<(long Version, long TrackerId)>(Command(select,
            new { After = after, Limit = CatchUpLimit }, cancellationToken, transaction))).AsList();
        lock (_gate)
        {
            if (_seen != after)
            {
                return null; // another transaction followed the log meanwhile (another writer's turn): not this one's to apply
            }

            foreach (var (version, trackerId) in logged)
            {
                if (_versions.Count < Capacity || _versions.ContainsKey(trackerId))
                {
                    _versions[trackerId] = version;
                }
            }

            if (logged.Count > 0)
            {
                _seen = logged[^1].Version;
            }

            if (logged.Count == CatchUpLimit)
            {
                return null; // more to follow: the next write goes on
            }

            var versions = new long[ids.Length];
            for (var i = 0; i < ids.Length; i++)
            {
                if (!_versions.TryGetValue(ids[i], out versions[i]))
                {
                    return null;
                }
            }

            Hits++;
            return versions;
        }
    }
}

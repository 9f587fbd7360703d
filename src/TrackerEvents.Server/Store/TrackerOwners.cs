using System.Data.Common;
using Dapper;
using static TrackerEvents.Store.Database;

namespace TrackerEvents.Store;

/// <summary>
/// What a state write needs to know of its trackers — that they are live, their owners, data sources and
/// blocked flags — kept in memory where the engine counts the changes to them
/// (<see cref="IStoreDialect.SelectTrackerGeneration"/>, SQLite). A write whose trackers are all known at the
/// counter's current value reads only their state rows' versions: one table instead of three, each a random
/// page per tracker — or none, where the versions are followed from the log (<see cref="StateVersions"/>). Any
/// change to trackers or sources, by this process or another program, moves the counter, and everything known is
/// forgotten at the next write.
/// </summary>
/// <remarks>
/// Why what is read may be kept: a write transaction reads the trackers before it changes anything (it
/// changes no tracker or source at all), so what it reads is what was committed at the counter's value it
/// reads, and a committed value of the counter never stands for anything else. Trackers that are not live
/// (corrupted, unknown) are never kept, so they are looked up each time.
/// </remarks>
internal sealed class TrackerOwners(Database database, StateVersions versions)
{
    /// <summary>Trackers kept before the memory starts over (a bound on memory).</summary>
    public const int Capacity = 500_000;

    private readonly Dictionary<long, Owner> _owners = [];
    private readonly Lock _gate = new();
    private long _generation = -1;

    /// <summary>Writes whose trackers were all known (an observable count, for tests and diagnostics).</summary>
    public long Hits { get; private set; }

    /// <summary>
    /// Inside a write transaction that has changed no tracker or source yet: the live ones of
    /// <paramref name="ids"/> (distinct, in order) with their state rows' versions, locked where the engine locks rows.
    /// </summary>
    public async Task<IReadOnlyList<LiveTracker>> ReadLiveAsync(DbConnection connection, DbTransaction transaction, long[] ids,
        CancellationToken cancellationToken)
    {
        if (database.Dialect.SelectTrackerGeneration is not { } selectGeneration)
        {
            return await ReadAllAsync(connection, transaction, ids, cancellationToken);
        }

        var generation = await ReadGenerationAsync(connection, transaction, selectGeneration, cancellationToken);
        if (Known(generation, ids) is { } known)
        {
            // known[i] is the tracker ids[i]; one without a state row keeps a null version.
            if (await versions.ReadAsync(connection, transaction, ids, cancellationToken) is { } followed)
            {
                for (var i = 0; i < ids.Length; i++)
                {
                    known[i].Version = followed[i];
                }

                return known;
            }

            foreach (var row in await connection.QueryAsync<LiveTracker>(Command(database.Statements.SelectStateVersionsForUpdate,
                         new { TrackerIds = database.Dialect.IdList(ids) }, cancellationToken, transaction)))
            {
                known[Array.BinarySearch(ids, row.TrackerId)].Version = row.Version;
            }

            return known;
        }

        var live = await ReadAllAsync(connection, transaction, ids, cancellationToken);
        Remember(generation, live);
        return live;
    }

    /// <summary>
    /// Inside a write transaction, before it changes any tracker or source: the counter's value, which a
    /// creator passes to <see cref="RememberCreated"/> once committed; null where the engine keeps no counter.
    /// </summary>
    public async Task<long?> ReadGenerationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        database.Dialect.SelectTrackerGeneration is { } selectGeneration
            ? await ReadGenerationAsync(connection, transaction, selectGeneration, cancellationToken)
            : null;

    /// <summary>
    /// Trackers created by a transaction that has committed (never before: a rolled-back tracker's id is given
    /// out again), live and unblocked, with the counter's value read in that transaction. A new tracker moves
    /// no counter, so the first write of a tracker created here reads one table too.
    /// </summary>
    public void RememberCreated(long? generation, IEnumerable<LiveTracker> created)
    {
        if (generation is { } value)
        {
            Remember(value, created);
        }
    }

    private static Task<long> ReadGenerationAsync(DbConnection connection, DbTransaction transaction, string selectGeneration,
        CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long>(Command(selectGeneration, null, cancellationToken, transaction));

    private async Task<IReadOnlyList<LiveTracker>> ReadAllAsync(DbConnection connection, DbTransaction transaction, long[] ids,
        CancellationToken cancellationToken) =>
        (await connection.QueryAsync<LiveTracker>(Command(database.Statements.SelectLiveStatesForWrite,
            new { TrackerIds = database.Dialect.IdList(ids) }, cancellationToken, transaction))).AsList();

    /// <summary>New rows for every one of <paramref name="ids"/>, if all are known at <paramref name="generation"/>; else null.</summary>
    private List<LiveTracker>? Known(long generation, long[] ids)
    {
        var known = new List<LiveTracker>(ids.Length);
        lock (_gate)
        {
            if (generation != _generation)
            {
                return null;
            }

            foreach (var id in ids)
            {
                if (!_owners.TryGetValue(id, out var owner))
                {
                    return null;
                }

                known.Add(new LiveTracker { TrackerId = id, UserId = owner.UserId, SourceId = owner.SourceId, Blocked = owner.Blocked });
            }

            Hits++;
        }

        return known;
    }

    /// <summary>Keeps <paramref name="live"/>, read at <paramref name="generation"/>; what was kept at an earlier value is forgotten.</summary>
    private void Remember(long generation, IEnumerable<LiveTracker> live)
    {
        lock (_gate)
        {
            if (generation < _generation)
            {
                return; // read before a change that a later write has seen already
            }

            if (generation != _generation || _owners.Count >= Capacity)
            {
                _owners.Clear();
                _generation = generation;
            }

            foreach (var tracker in live)
            {
                _owners[tracker.TrackerId] = new Owner(tracker.UserId, tracker.SourceId, tracker.Blocked);
            }
        }
    }

    private readonly record struct Owner(long UserId, long SourceId, bool Blocked);
}

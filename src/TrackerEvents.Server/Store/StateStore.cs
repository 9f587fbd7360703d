using System.Data.Common;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using TrackerEvents.Tracking;
using static TrackerEvents.Store.Database;

namespace TrackerEvents.Store;

/// <summary>
/// Trackers' current states: reads, a subscribe's snapshot, and the merge of changes: batches in a
/// transaction of their own, single changes (device points, one-state ingest calls) by group commit. Where the
/// engine can, a write whose trackers' states are all remembered is one statement instead (<see cref="OneStatementWrite"/>).
/// </summary>
internal sealed class StateStore : IAsyncDisposable
{
    private readonly Database _database;
    private readonly TimeProvider _time;
    private readonly WrittenStates _written;
    private readonly StateChangeLog _log;
    private readonly TrackerOwners _owners;
    private readonly CarriedChanges _carried;
    private readonly OneStatementWrite _oneStatement;

    public StateStore(Database database, WrittenStates written, StateChangeLog log, TrackerOwners owners, CarriedChanges carried,
        OneStatementWrite oneStatement, TimeProvider time, IOptions<StoreOptions> options)
    {
        _database = database;
        _carried = carried;
        _oneStatement = oneStatement;
        _written = written;
        _log = log;
        _owners = owners;
        _time = time;
        Group = new GroupCommit<StateWrite, bool>(async writes => await oneStatement.TryWriteAsync(writes, CancellationToken.None)
                ?? await database.WriteAsync<IReadOnlyList<bool>>(
                    async (connection, transaction, handed) => await MergeAsync(connection, transaction, writes, handed, CancellationToken.None),
                    CancellationToken.None),
            options.Value.GroupCommitMaxItems, options.Value.GroupCommitDelay, time);
    }

    /// <summary>The group commit of single state writes (its counters show the group sizes).</summary>
    public GroupCommit<StateWrite, bool> Group { get; }

    /// <summary>
    /// The current states of the given trackers that are <paramref name="userId"/>'s. Callers check ownership first; the
    /// read checks it again, as it reads: a tracker that another program moves to another user between the two (plain
    /// SQL) is left out, as one without a state row is.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, TrackerState>> GetStatesAsync(IReadOnlyCollection<long> trackerIds, long userId,
        CancellationToken cancellationToken)
    {
        var states = new Dictionary<long, TrackerState>();
        if (trackerIds.Count == 0)
        {
            return states;
        }

        var rows = await _database.ReadAsync(connection => connection.QueryAsync<StateRow>(Command(_database.Statements.SelectOwnedStates,
            new { TrackerIds = _database.Dialect.IdList(trackerIds.Distinct().ToArray()), UserId = userId }, cancellationToken)), cancellationToken);
        foreach (var row in rows)
        {
            states[row.TrackerId] = _written.Read(row.TrackerId, row.Version, row.State);
        }

        return states;
    }

    /// <summary>
    /// The current states of the given (existing) trackers with their versions, owner and blocked flag:
    /// what a subscribe's snapshot sends, in the same shape as the change feed.
    /// </summary>
    public async Task<IReadOnlyList<StateChange>> GetSnapshotAsync(IReadOnlyCollection<long> trackerIds, CancellationToken cancellationToken)
    {
        if (trackerIds.Count == 0)
        {
            return [];
        }

        var rows = await _database.ReadAsync(connection => connection.QueryAsync<SnapshotRow>(Command(_database.Statements.SelectSnapshot,
            new { TrackerIds = _database.Dialect.IdList(trackerIds.Distinct().ToArray()) }, cancellationToken)), cancellationToken);
        return rows.Select(r => new StateChange(r.Version, r.TrackerId, r.UserId, r.SourceId, r.Blocked, _written.Read(r.TrackerId, r.Version, r.State))).ToList();
    }

    /// <summary>
    /// Merges state updates into the trackers' current states, all or nothing. Updates are applied in
    /// order (two updates of one tracker both count). Throws <see cref="StoreConflictException"/> naming
    /// the first item whose tracker does not exist. A single update shares a transaction with other single
    /// writes (<see cref="Group"/>); it is answered once that transaction has committed.
    /// </summary>
    public async Task<int> IngestStatesAsync(IReadOnlyList<StateUpdate> updates, CancellationToken cancellationToken)
    {
        var writes = updates.Select(u => new StateWrite(u.TrackerId,
            (current, now) => StatePatch.Apply(current, u.Patch, now, new FieldErrors(), "", strict: false), FromDevice: false)).ToList();
        if (writes.Count == 1)
        {
            return await WriteAsync(writes[0], cancellationToken) ? 1 : throw new StoreConflictException(StoreConflict.UnknownTracker, "Tracker not found", 0);
        }

        if (await _oneStatement.TryWriteAsync(writes, cancellationToken) is not null)
        {
            return writes.Count;
        }

        return await _database.WriteAsync(async (connection, transaction, handed) =>
        {
            var written = await MergeAsync(connection, transaction, writes, handed, cancellationToken);
            var missing = Array.IndexOf(written, false);
            return missing < 0 ? writes.Count : throw new StoreConflictException(StoreConflict.UnknownTracker, "Tracker not found", missing);
        }, cancellationToken);
    }

    /// <summary>
    /// Writes one change by group commit: true once it is committed, false (nothing written) when its
    /// tracker does not exist or is corrupted. Throws when the shared transaction failed.
    /// </summary>
    public Task<bool> WriteAsync(StateWrite write, CancellationToken cancellationToken) => Group.WriteAsync(write, cancellationToken);

    public ValueTask DisposeAsync() => Group.DisposeAsync();

    /// <summary>
    /// Inside a write transaction: locks the writes' trackers, merges each write onto its tracker's stored
    /// state in order, and writes the changed states back. Returns, per write, whether its tracker exists.
    /// Adds to <paramref name="handed"/> each state written, as stored, with its version and JSON: the transaction's only
    /// versioned changes, for the dispatcher of this process.
    /// </summary>
    /// <remarks>
    /// One query locks the live trackers and reads their owners (on SQLite, whose write transaction holds the
    /// whole database, their state rows' versions too; on PostgreSQL the state rows are then locked and their
    /// versions read); on SQLite, owners known in memory leave only the versions to read (<see cref="TrackerOwners"/>:
    /// this transaction has changed nothing before). The writer stamps the versions, so the written ones are known.
    /// </remarks>
    private async Task<bool[]> MergeAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<StateWrite> writes,
        HandedStates handed, CancellationToken cancellationToken)
    {
        var ids = writes.Select(w => w.TrackerId).Distinct().Order().ToArray();
        var found = (await _owners.ReadLiveAsync(connection, transaction, ids, cancellationToken)).ToDictionary(r => r.TrackerId);
        long[] live = [.. found.Keys.Order()];
        if (live.Length == 0)
        {
            return new bool[writes.Count];
        }

        var states = await ReadForMergeAsync(connection, transaction, found.Values, cancellationToken);
        var now = WrittenStates.ToMilliseconds(_time.GetUtcNow()); // as stored: the merged states then need no truncating copy
        var (written, rows, stored) = StateMerge.Of(writes, id => Array.BinarySearch(live, id) >= 0, states, now);

        // Where one statement writes them all, it also carries them to the other nodes (CarriedChanges).
        string[] carried = _database.Dialect.UpdateStates is null ? [] : _carried.Chunk([.. rows.Select(r =>
        {
            var tracker = found[r.TrackerId];
            return new CarriedChanges.Row(r.TrackerId, tracker.UserId, tracker.SourceId, tracker.Blocked, r.State);
        })]);
        var firstVersion = await StateRowWriter.WriteAsync(connection, transaction, _database.Dialect, _database.Statements, rows, carried,
            cancellationToken);
        await _log.DeleteSupersededAsync(connection, transaction, rows.Select(r => found[r.TrackerId].Version), firstVersion, cancellationToken);
        if (firstVersion is { } first)
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var row = found[rows[i].TrackerId];
                handed.Add(new StateChange(first + i, row.TrackerId, row.UserId, row.SourceId, row.Blocked, stored[row.TrackerId]), rows[i].State);
            }

            return written;
        }

        var json = rows.ToDictionary(r => r.TrackerId, r => r.State);
        foreach (var row in await connection.QueryAsync<LiveTracker>(Command(_database.Statements.SelectWrittenVersions,
                     new { TrackerIds = _database.Dialect.IdList([.. stored.Keys]) }, cancellationToken, transaction)))
        {
            handed.Add(new StateChange(row.Version!.Value, row.TrackerId, row.UserId, row.SourceId, row.Blocked, stored[row.TrackerId]),
                json[row.TrackerId]);
        }

        return written;
    }

    /// <summary>
    /// Inside a write transaction: the stored states of the given live trackers (those that have a row), from
    /// their rows' versions as read with the trackers. The states of the versions this process committed are
    /// taken from <see cref="WrittenStates"/>; the rest (another writer's, or not remembered) are read and parsed.
    /// </summary>
    private async Task<Dictionary<long, TrackerState>> ReadForMergeAsync(DbConnection connection, DbTransaction transaction,
        IEnumerable<LiveTracker> live, CancellationToken cancellationToken)
    {
        var states = new Dictionary<long, TrackerState>();
        List<long>? unknown = null;
        List<long>? rowless = null;
        foreach (var row in live)
        {
            if (row.Version is not { } version)
            {
                (rowless ??= []).Add(row.TrackerId); // no state row yet (as far as the statement saw)
            }
            else if (_written.TryGet(row.TrackerId, version, out var state))
            {
                states[row.TrackerId] = state;
            }
            else
            {
                (unknown ??= []).Add(row.TrackerId);
            }
        }

        if (rowless is not null && _database.Statements.MissingStatesRechecked)
        {
            // Locked now, and seen by a new statement: a row created before the tracker's lock was granted.
            foreach (var row in await connection.QueryAsync<LiveTracker>(Command(_database.Statements.SelectStateVersionsForUpdate,
                         new { TrackerIds = _database.Dialect.IdList([.. rowless.Order()]) }, cancellationToken, transaction)))
            {
                (unknown ??= []).Add(row.TrackerId);
            }
        }

        if (unknown is not null)
        {
            foreach (var row in await connection.QueryAsync<StateRow>(Command(_database.Statements.SelectStates,
                         new { TrackerIds = _database.Dialect.IdList([.. unknown]) }, cancellationToken, transaction)))
            {
                states[row.TrackerId] = StoredStateReader.Read(row.State);
            }
        }

        return states;
    }

    private sealed class SnapshotRow
    {
        public long TrackerId { get; set; }
        public long UserId { get; set; }
        public long SourceId { get; set; }
        public bool Blocked { get; set; }
        public byte[] State { get; set; } = [];
        public long Version { get; set; }
    }
}

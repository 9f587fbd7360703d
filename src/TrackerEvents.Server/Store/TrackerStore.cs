using System.Data.Common;
using System.Globalization;
using Dapper;
using TrackerEvents.Tracking;
using static TrackerEvents.Store.Database;

namespace TrackerEvents.Store;

/// <summary>Trackers and their data sources: creation, look-up by owner or id, blocking and corruption (removal).</summary>
internal sealed class TrackerStore(Database database, TrackerOwners owners, TimeProvider time)
{
    /// <summary>Creates a tracker with its own data source and an initial (empty) state.</summary>
    public async Task<(long TrackerId, long SourceId)> CreateTrackerAsync(NewTracker tracker, CancellationToken cancellationToken) =>
        (await CreateTrackersAsync([tracker], cancellationToken))[0];

    /// <summary>
    /// Creates trackers in one transaction, all or nothing, in the given order. Throws
    /// <see cref="StoreConflictException"/> (<see cref="StoreConflict.DeviceIdInUse"/>) naming the first
    /// item whose device id is taken, by an existing tracker or an earlier item of the batch.
    /// </summary>
    /// <remarks>
    /// The initial states are handed over with their versions (<see cref="Database.WriteAsync{T}(Func{DbConnection, DbTransaction, HandedStates, Task{T}}, CancellationToken)"/>):
    /// they are the transaction's only versioned changes, and so the first write of a new tracker finds its
    /// state remembered instead of reading and parsing its row. Once committed, the trackers' owners are
    /// remembered too (<see cref="TrackerOwners"/>, SQLite).
    /// </remarks>
    public async Task<IReadOnlyList<(long TrackerId, long SourceId)>> CreateTrackersAsync(IReadOnlyList<NewTracker> trackers,
        CancellationToken cancellationToken)
    {
        long? generation = null;
        var created = await database.WriteAsync(async (connection, transaction, handed) =>
        {
            generation = await owners.ReadGenerationAsync(connection, transaction, cancellationToken);
            var rows = new List<LiveTracker>(trackers.Count);
            var now = time.GetUtcNow();
            var creationDate = now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            using var json = new WrittenStates.Writer();
            var initialState = WrittenStates.Serialize(TrackerState.Initial, json, out var initial);
            for (var i = 0; i < trackers.Count; i++)
            {
                var tracker = trackers[i];
                // ON CONFLICT rather than a check first, for concurrent creators on PostgreSQL (see UserStore.CreateUserAsync).
                var insertedSource = await connection.ExecuteScalarAsync<long?>(Command("""
                    INSERT INTO sources (device_id, model, phone, blocked, tariff_id, creation_date, tariff_end_date)
                    VALUES (@DeviceId, @Model, @Phone, FALSE, 1, @CreationDate, @TariffEndDate)
                    ON CONFLICT (device_id) DO NOTHING RETURNING id
                    """, new
                {
                    tracker.DeviceId,
                    tracker.Model,
                    tracker.Phone,
                    CreationDate = creationDate,
                    tracker.TariffEndDate,
                }, cancellationToken, transaction));
                if (insertedSource is not { } sourceId)
                {
                    throw new StoreConflictException(StoreConflict.DeviceIdInUse, "Device ID already in use", i);
                }

                var trackerId = await connection.ExecuteScalarAsync<long>(Command("""
                    INSERT INTO trackers (user_id, source_id, label, group_id, clone, corrupted, created_at)
                    VALUES (@UserId, @SourceId, @Label, @GroupId, FALSE, FALSE, @Now) RETURNING id
                    """, new { tracker.UserId, SourceId = sourceId, tracker.Label, tracker.GroupId, Now = now.ToUnixTimeMilliseconds() },
                    cancellationToken, transaction));
                await connection.ExecuteAsync(Command(database.Statements.InsertState,
                    new { TrackerId = trackerId, State = initialState, ReportedAt = (long?)null }, cancellationToken, transaction));
                rows.Add(new LiveTracker { TrackerId = trackerId, UserId = tracker.UserId, SourceId = sourceId });
            }

            // The rows' versions (their insert trigger gave them); owner and source are those just written, unblocked.
            var byId = rows.ToDictionary(c => c.TrackerId);
            foreach (var row in await connection.QueryAsync<LiveTracker>(Command(database.Statements.SelectStateVersionsForUpdate,
                         new { TrackerIds = database.Dialect.IdList([.. byId.Keys.Order()]) }, cancellationToken, transaction)))
            {
                var tracker = byId[row.TrackerId];
                handed.Add(new StateChange(row.Version!.Value, tracker.TrackerId, tracker.UserId, tracker.SourceId, Blocked: false, initial), initialState);
            }

            return rows;
        }, cancellationToken);
        owners.RememberCreated(generation, created);
        return [.. created.Select(c => (c.TrackerId, c.SourceId))];
    }

    /// <summary>The user's trackers that exist (not corrupted), in id order.</summary>
    public Task<IReadOnlyList<TrackerRow>> ListTrackersAsync(long userId, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<TrackerRow>>(async connection => (await connection.QueryAsync<TrackerRow>(Command(
            StoreStatements.SelectTracker + " WHERE t.user_id = @UserId AND NOT t.corrupted ORDER BY t.id", new { UserId = userId },
            cancellationToken))).AsList(), cancellationToken);

    /// <summary>
    /// The given trackers that belong to the user, corrupted ones included (callers decide what a
    /// corrupted tracker means for them). Ids of other users' trackers are simply not returned.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, TrackerRow>> GetTrackersAsync(long userId, IReadOnlyCollection<long> trackerIds,
        CancellationToken cancellationToken)
    {
        if (trackerIds.Count == 0)
        {
            return new Dictionary<long, TrackerRow>();
        }

        var parameters = new { UserId = userId, TrackerIds = database.Dialect.IdList(trackerIds.Distinct().ToArray()) };
        var rows = await database.ReadAsync(connection => connection.QueryAsync<TrackerRow>(Command(
            database.Statements.SelectUserTrackers, parameters, cancellationToken)), cancellationToken);
        return rows.ToDictionary(r => r.Id);
    }

    /// <summary>Any tracker by id, whoever owns it (admin use).</summary>
    public Task<TrackerRow?> FindTrackerAsync(long trackerId, CancellationToken cancellationToken) =>
        database.ReadAsync(connection => connection.QuerySingleOrDefaultAsync<TrackerRow>(Command(
            StoreStatements.SelectTracker + " WHERE t.id = @Id", new { Id = trackerId }, cancellationToken)), cancellationToken);

    /// <summary>Blocks or unblocks a tracker's source; the trigger records the lifecycle event. False if nothing changed.</summary>
    public async Task<bool> SetTrackerBlockedAsync(long trackerId, bool blocked, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(Command(
            "UPDATE sources SET blocked = @Blocked WHERE blocked <> @Blocked AND id = (SELECT source_id FROM trackers WHERE id = @Id)",
            new { Blocked = blocked, Id = trackerId }, cancellationToken, transaction)), cancellationToken) > 0;

    /// <summary>Marks a tracker corrupted (removed); the trigger records the lifecycle event. False if it already was.</summary>
    public async Task<bool> SetTrackerCorruptedAsync(long trackerId, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(Command(
            "UPDATE trackers SET corrupted = TRUE WHERE id = @Id AND NOT corrupted",
            new { Id = trackerId }, cancellationToken, transaction)), cancellationToken) > 0;

    /// <summary>
    /// Inside a write transaction: locks the trackers of an ingest batch against concurrent ingest writers
    /// and checks that each exists; throws <see cref="StoreConflictException"/> naming the first item whose
    /// tracker does not. Returns the distinct ids in order.
    /// </summary>
    public async Task<long[]> LockLiveTrackersAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<long> itemTrackerIds,
        CancellationToken cancellationToken)
    {
        var live = await LockLiveAsync(connection, transaction, itemTrackerIds, cancellationToken);
        for (var i = 0; i < itemTrackerIds.Count; i++)
        {
            if (Array.BinarySearch(live, itemTrackerIds[i]) < 0)
            {
                throw new StoreConflictException(StoreConflict.UnknownTracker, "Tracker not found", i);
            }
        }

        return live;
    }

    /// <summary>
    /// Inside a write transaction: locks those of the given trackers that exist and are not corrupted
    /// against concurrent writers, and returns their ids, distinct and in order.
    /// </summary>
    public async Task<long[]> LockLiveAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<long> trackerIds,
        CancellationToken cancellationToken)
    {
        var ids = trackerIds.Distinct().Order().ToArray();
        var live = await connection.QueryAsync<long>(Command(database.Statements.SelectLiveTrackersForWrite,
            new { TrackerIds = database.Dialect.IdList(ids) }, cancellationToken, transaction));
        return [.. live.Order()];
    }

    /// <summary>
    /// The tracker whose data source has this device id, if it exists and is not corrupted (of a source
    /// shared by clones, the original).
    /// </summary>
    public Task<long?> FindLiveTrackerIdAsync(string deviceId, CancellationToken cancellationToken) =>
        database.ReadAsync(connection => connection.QueryFirstOrDefaultAsync<long?>(Command("""
            SELECT t.id FROM sources s JOIN trackers t ON t.source_id = s.id
             WHERE s.device_id = @DeviceId AND NOT t.corrupted
             ORDER BY t.clone, t.id
            """, new { DeviceId = deviceId }, cancellationToken)), cancellationToken);
}

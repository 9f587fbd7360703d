namespace TrackerEvents.Store;

/// <summary>
/// The statements whose text depends on the engine: those that take a list of ids, and those that lock
/// the rows a write transaction merges. Composed once per dialect, from constant SQL and the dialect's
/// constant fragments (<see cref="IStoreDialect.InTrackerIds"/>, <see cref="IStoreDialect.ForUpdate"/>,
/// <see cref="IStoreDialect.ForNoKeyUpdate"/>); every value stays a parameter.
/// </summary>
internal sealed class StoreStatements
{
    /// <summary>The columns of a <see cref="TrackerRow"/>; append a WHERE clause.</summary>
    public const string SelectTracker = """
        SELECT t.id AS Id, t.user_id AS UserId, t.label AS Label, t.clone AS Clone, t.group_id AS GroupId,
               t.avatar_file_name AS AvatarFileName, t.corrupted AS Corrupted, s.id AS SourceId, s.device_id AS DeviceId,
               s.model AS Model, s.blocked AS Blocked, s.tariff_id AS TariffId, s.status_listing_id AS StatusListingId,
               s.creation_date AS CreationDate, s.tariff_end_date AS TariffEndDate, s.phone AS Phone
          FROM trackers t JOIN sources s ON s.id = t.source_id
        """;

    private const string ReadingColumns =
        "SELECT tracker_id AS TrackerId, kind AS Kind, item_key AS ItemKey, item AS Item FROM tracker_readings";

    // A read's own check of ownership, as it runs (a tracker another program moved since the caller's check is left out).
    private const string OfUser = "IN (SELECT id FROM trackers WHERE user_id = @UserId)";

    public StoreStatements(IStoreDialect dialect)
    {
        var inIds = dialect.InTrackerIds;
        UpdateState = $"""
            UPDATE tracker_states SET state = {dialect.StateFromUtf8}, version = @Version, reported_at = COALESCE(@ReportedAt, reported_at),
                   swept_status = CASE WHEN @ReportedAt IS NULL THEN swept_status END
             WHERE tracker_id = @TrackerId
            """;
        InsertState = $"INSERT INTO tracker_states (tracker_id, state, reported_at) VALUES (@TrackerId, {dialect.StateFromUtf8}, @ReportedAt)";
        SelectStates = $"SELECT st.tracker_id AS TrackerId, {dialect.StateAsUtf8} AS State, st.version AS Version FROM tracker_states st WHERE st.tracker_id {inIds}";
        SelectOwnedStates = $"{SelectStates} AND st.tracker_id {OfUser}";
        SelectSnapshot = $"""
            SELECT st.tracker_id AS TrackerId, t.user_id AS UserId, t.source_id AS SourceId, src.blocked AS Blocked,
                   {dialect.StateAsUtf8} AS State, st.version AS Version
              FROM tracker_states st JOIN trackers t ON t.id = st.tracker_id JOIN sources src ON src.id = t.source_id
             WHERE st.tracker_id {inIds} AND NOT t.corrupted
            """;
        SelectWrittenVersions = $"""
            SELECT st.tracker_id AS TrackerId, t.user_id AS UserId, t.source_id AS SourceId, src.blocked AS Blocked, st.version AS Version
              FROM tracker_states st JOIN trackers t ON t.id = st.tracker_id JOIN sources src ON src.id = t.source_id
             WHERE st.tracker_id {inIds} AND NOT t.corrupted
            """;
        SelectReadings = $"{ReadingColumns} WHERE tracker_id {inIds} AND tracker_id {OfUser} ORDER BY tracker_id, kind, item_key";
        SelectUserTrackers = $"{SelectTracker} WHERE t.user_id = @UserId AND t.id {inIds}";
        SelectTagBindings = $"SELECT tracker_id AS TrackerId, tag_id AS TagId, ordinal AS Ordinal FROM tracker_tags WHERE tracker_id {inIds} ORDER BY tracker_id, ordinal";

        // The trackers themselves are locked: a tracker's state or readings row that does not exist yet
        // cannot be locked, and two batches creating the same new readings item would otherwise both merge
        // onto "nothing" and the later would overwrite the earlier.
        SelectLiveTrackersForWrite = LockedInOrder(
            $"SELECT id FROM trackers WHERE id {inIds} AND NOT corrupted", "id", dialect.ForNoKeyUpdate);
        // Locking the rows themselves too keeps out writers that update tracker_states or tracker_readings
        // directly, without the trackers lock. An engine that locks no rows reads the versions with the
        // trackers in a join. One that does locks the state rows in a second step of the same statement (FOR
        // UPDATE cannot reach the nullable side of an outer join): all the trackers, in order, then their state
        // rows, in order — one round trip instead of two. Its snapshot was taken before the
        // trackers' locks, so a state row another writer created meanwhile is not seen: a tracker found without
        // one is looked at again with SelectStateVersionsForUpdate (StateStore).
        MissingStatesRechecked = dialect.ForUpdate.Length > 0;
        SelectLiveStatesForWrite = !MissingStatesRechecked
            ? $"""
              SELECT t.id AS TrackerId, t.user_id AS UserId, t.source_id AS SourceId, src.blocked AS Blocked, st.version AS Version
                FROM trackers t JOIN sources src ON src.id = t.source_id LEFT JOIN tracker_states st ON st.tracker_id = t.id
               WHERE t.id {inIds} AND NOT t.corrupted
              """
            : $"""
              WITH live AS MATERIALIZED (
                  SELECT t.id, t.user_id, t.source_id, src.blocked
                    FROM trackers t JOIN sources src ON src.id = t.source_id
                   WHERE t.id {inIds} AND NOT t.corrupted
                   ORDER BY t.id {dialect.ForNoKeyUpdate} OF t),
              locked AS MATERIALIZED (
                  SELECT tracker_id, version FROM tracker_states
                   WHERE tracker_id IN (SELECT id FROM live)
                   ORDER BY tracker_id {dialect.ForUpdate})
              SELECT live.id AS TrackerId, live.user_id AS UserId, live.source_id AS SourceId, live.blocked AS Blocked, locked.version AS Version
                FROM live LEFT JOIN locked ON locked.tracker_id = live.id
              """;
        SelectStateVersionsForUpdate = LockedInOrder(
            $"SELECT tracker_id AS TrackerId, version AS Version FROM tracker_states WHERE tracker_id {inIds}", "tracker_id", dialect.ForUpdate);
        SelectReadingsForUpdate = LockedInOrder(
            $"{ReadingColumns} WHERE tracker_id {inIds}", "tracker_id, kind, item_key", dialect.ForUpdate);
    }

    /// <summary>
    /// A state row written by the server: its JSON (<c>@State</c>, UTF-8 bytes), the version the writer stamped,
    /// and the report time of a device's point (<c>@ReportedAt</c>; null: none, and the sweep's mark stays).
    /// </summary>
    public string UpdateState { get; }

    /// <summary>A state row created by the server, for a tracker whose row another program never created (its trigger versions it).</summary>
    public string InsertState { get; }

    /// <summary>The stored state rows of the given trackers (<c>@TrackerIds</c>), as <see cref="StateRow"/> (the JSON as UTF-8 bytes).</summary>
    public string SelectStates { get; }

    /// <summary><see cref="SelectStates"/>, of the trackers that belong to <c>@UserId</c> as the statement runs.</summary>
    public string SelectOwnedStates { get; }

    /// <summary>
    /// The states of the given trackers that exist, with version, owner, source and blocked flag
    /// (a subscribe's snapshot).
    /// </summary>
    public string SelectSnapshot { get; }

    /// <summary>
    /// Inside a write transaction, after its state rows are written: their versions, owner, source and blocked
    /// flag, joined as the change feed joins them (without the state, which the writer has).
    /// </summary>
    public string SelectWrittenVersions { get; }

    /// <summary>
    /// The stored readings rows of the given trackers that belong to <c>@UserId</c> as the statement runs, ordered by
    /// tracker, kind and key.
    /// </summary>
    public string SelectReadings { get; }

    /// <summary>The trackers among <c>@TrackerIds</c> that belong to <c>@UserId</c>, as <see cref="TrackerRow"/>.</summary>
    public string SelectUserTrackers { get; }

    /// <summary>The tag bindings of the given trackers (<c>@TrackerIds</c>), by tracker and ordinal.</summary>
    public string SelectTagBindings { get; }

    /// <summary>
    /// Inside a write transaction: the ids among <c>@TrackerIds</c> of trackers that exist and are not
    /// corrupted, kept from concurrent ingest writers until commit (so that rows not created yet, which
    /// cannot be locked, are covered too).
    /// </summary>
    public string SelectLiveTrackersForWrite { get; }

    /// <summary>
    /// Inside a write transaction: the given trackers that exist and are not corrupted, locked like
    /// <see cref="SelectLiveTrackersForWrite"/>, with owner, source and blocked flag, and their state rows
    /// (locked where the engine locks rows) and versions (null: no row, see <see cref="MissingStatesRechecked"/>).
    /// With the versions the writer stamps, this replaces the lock and, after the write, <see cref="SelectWrittenVersions"/>.
    /// </summary>
    public string SelectLiveStatesForWrite { get; }

    /// <summary>
    /// Whether a tracker that <see cref="SelectLiveStatesForWrite"/> found without a state row is looked at again
    /// with <see cref="SelectStateVersionsForUpdate"/>: on an engine that locks rows, the statement's snapshot may
    /// predate a row another writer created before the tracker's lock was granted.
    /// </summary>
    public bool MissingStatesRechecked { get; }

    /// <summary>
    /// Inside a write transaction: the versions of the given trackers' state rows, which are to be merged and
    /// written back (their states are read only where <see cref="WrittenStates"/> does not know the version).
    /// </summary>
    public string SelectStateVersionsForUpdate { get; }

    /// <summary>Inside a write transaction: the stored readings rows of the given trackers, to be merged and written back.</summary>
    public string SelectReadingsForUpdate { get; }

    // Rows are locked in key order, so that two batches over overlapping trackers lock in the same order
    // and cannot deadlock. An engine that locks no rows (its write transaction already keeps every other
    // writer out) needs no order either.
    private static string LockedInOrder(string select, string orderBy, string lockClause) =>
        lockClause.Length == 0 ? select : $"{select} ORDER BY {orderBy} {lockClause}";
}

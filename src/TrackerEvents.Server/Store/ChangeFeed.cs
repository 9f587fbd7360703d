using Dapper;
using TrackerEvents.Tracking;
using static TrackerEvents.Store.Database;

namespace TrackerEvents.Store;

/// <summary>
/// The change feed: every versioned change (states, readings, lifecycle events, ended sessions, client
/// close requests) in version order, read after a watermark.
/// </summary>
internal sealed class ChangeFeed(Database database, WrittenStates written, TimeProvider time)
{
    // SQLite's form. One statement, so one snapshot: a change committed between two separate reads could
    // otherwise be skipped by a watermark taken from the later read. Each kind is limited and ordered by
    // version on its own (its version index, whatever @After is), so that a plan made once fits every read:
    // a plan for "any @After" without the inner limits scanned whole tables. States are found through their
    // log (sql/sqlite/0007_state_change_log.sql): an entry whose state has moved on joins no row. PostgreSQL
    // reads the same rows from its version index, through a function that keeps that plan
    // (IStoreDialect.ReadChanges, sql/postgres/0007_read_changes.sql).
    private const string ReadChanges = """
        SELECT * FROM (
            SELECT * FROM (
                SELECT c.version AS Version, 1 AS Kind, st.tracker_id AS TrackerId, t.user_id AS UserId, t.source_id AS SourceId,
                       src.blocked AS Blocked, CAST(NULL AS TEXT) AS ItemKind, CAST(NULL AS TEXT) AS ItemKey, st.state AS Payload,
                       CAST(NULL AS BIGINT) AS OccurredAt
                  FROM state_changes c JOIN tracker_states st ON st.tracker_id = c.tracker_id AND st.version = c.version
                  JOIN trackers t ON t.id = st.tracker_id JOIN sources src ON src.id = t.source_id
                 WHERE c.version > @After AND NOT t.corrupted ORDER BY c.version LIMIT @Limit) states
            UNION ALL
            SELECT * FROM (
                SELECT r.version, 2, r.tracker_id, t.user_id, t.source_id, src.blocked, r.kind, r.item_key, r.item, CAST(NULL AS BIGINT)
                  FROM tracker_readings r JOIN trackers t ON t.id = r.tracker_id JOIN sources src ON src.id = t.source_id
                 WHERE r.version > @After AND NOT t.corrupted ORDER BY r.version LIMIT @Limit) readings
            UNION ALL
            SELECT * FROM (
                SELECT e.version, 3, e.tracker_id, t.user_id, t.source_id, src.blocked, CAST(NULL AS TEXT), CAST(NULL AS TEXT), e.event, e.occurred_at
                  FROM lifecycle_events e JOIN trackers t ON t.id = e.tracker_id JOIN sources src ON src.id = t.source_id
                 WHERE e.version > @After ORDER BY e.version LIMIT @Limit) lifecycle
            UNION ALL
            SELECT * FROM (
                SELECT s.version, 4, s.id, s.user_id, CAST(NULL AS BIGINT), FALSE, CAST(NULL AS TEXT), CAST(NULL AS TEXT), s.end_reason, s.ended_at
                  FROM sessions s
                 WHERE s.version > @After ORDER BY s.version LIMIT @Limit) ended
            UNION ALL
            SELECT * FROM (
                SELECT c.version, 5, c.id, 0, CAST(NULL AS BIGINT), FALSE, CAST(NULL AS TEXT), c.address, c.tracking_id, c.closed_at
                  FROM client_closes c
                 WHERE c.version > @After ORDER BY c.version LIMIT @Limit) closes
        ) changes
        ORDER BY Version
        LIMIT @Limit
        """;

    /// <summary>The highest version committed so far: where a reader that needs no history starts.</summary>
    public Task<long> GetCurrentVersionAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(connection => connection.ExecuteScalarAsync<long>(Command(
            database.Dialect.SelectCurrentVersion, null, cancellationToken)), cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> changes with a version above <paramref name="after"/>, oldest
    /// first. A state or readings item appears once, at its latest version.
    /// </summary>
    public async Task<ChangeBatch> ReadChangesAsync(long after, int limit, CancellationToken cancellationToken)
    {
        var rows = await database.ReadAsync(async connection => (await connection.QueryAsync<FeedRow>(Command(database.Dialect.ReadChanges ?? ReadChanges,
            new { After = after, Limit = limit }, cancellationToken))).AsList(), cancellationToken);
        return ToBatch(rows, after, limit, written);
    }

    /// <summary>
    /// Records a close request for a client this node does not hold, so that the node holding it releases it
    /// (when the request came from the client's address).
    /// </summary>
    public Task RecordClientCloseAsync(string trackingId, string? address, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(Command(
            "INSERT INTO client_closes (tracking_id, address, closed_at) VALUES (@TrackingId, @Address, @Now)",
            new { TrackingId = trackingId, Address = address, Now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken, transaction)),
            cancellationToken);

    /// <summary>
    /// The changes of the rows read after <paramref name="after"/>. A row that does not parse (a readings
    /// item of a kind this server does not know) is skipped, but still moves the watermark past it. A state
    /// this process committed is taken from <paramref name="written"/> rather than parsed again.
    /// </summary>
    internal static ChangeBatch ToBatch(IReadOnlyList<FeedRow> rows, long after, int limit, WrittenStates? written = null)
    {
        var changes = new List<Change>(rows.Count);
        foreach (var row in rows)
        {
            Change? change = row.Kind switch
            {
                1 => new StateChange(row.Version, row.TrackerId, row.UserId, row.SourceId ?? 0, row.Blocked,
                    written?.Read(row.TrackerId, row.Version, row.Payload ?? "") ?? StoredStateReader.Read(row.Payload ?? "")),
                2 => ReadingItem.ParseKind(row.ItemKind ?? "") is { } kind
                     && ReadingItem.FromCanonical(kind, row.ItemKey ?? "", row.Payload ?? "") is { } item
                    ? new ReadingChange(row.Version, row.TrackerId, row.UserId, row.Blocked, item)
                    : null,
                3 => new LifecycleChange(row.Version, row.TrackerId, row.UserId, row.SourceId ?? 0, row.Payload ?? "",
                    DateTimeOffset.FromUnixTimeMilliseconds(row.OccurredAt ?? 0)),
                4 => new SessionEndedChange(row.Version, row.TrackerId, row.UserId, row.Payload ?? ""),
                _ => new ClientClosedChange(row.Version, row.Payload ?? "", row.ItemKey),
            };
            if (change is not null)
            {
                changes.Add(change);
            }
        }

        var watermark = rows.Count > 0 ? rows[^1].Version : after;
        return new ChangeBatch(changes, watermark, rows.Count == limit);
    }

    /// <summary>
    /// One row of <see cref="ReadChanges"/>. Kind: 1 state, 2 readings item, 3 lifecycle event, 4 ended
    /// session, 5 client close.
    /// </summary>
    internal sealed class FeedRow
    {
        public long Version { get; set; }
        public long Kind { get; set; }
        public long TrackerId { get; set; }
        public long UserId { get; set; }
        public long? SourceId { get; set; }
        public bool Blocked { get; set; }
        public string? ItemKind { get; set; }
        public string? ItemKey { get; set; }
        public string? Payload { get; set; }
        public long? OccurredAt { get; set; }
    }
}

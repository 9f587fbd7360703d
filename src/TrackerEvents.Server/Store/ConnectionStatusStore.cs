using Dapper;
using TrackerEvents.Tracking;
using static TrackerEvents.Store.Database;

namespace TrackerEvents.Store;

/// <summary>
/// What the connection-status sweep reads and writes: trackers whose device has gone silent, the
/// transitions to <c>idle</c> and <c>offline</c>, and the per-tracker silences that override the
/// server's defaults. A transition is written only onto the state version the sweep read, so when
/// several nodes sweep at once each transition is written once, and a point that arrived in between wins.
/// </summary>
internal sealed class ConnectionStatusStore(Database database)
{
    /// <summary>
    /// Trackers whose device has been silent long enough for the next mark: not marked yet and silent at
    /// least their idle silence, or marked idle and silent at least their offline silence (the given
    /// defaults unless the tracker overrides them); at most <paramref name="limit"/>, silent longest first.
    /// </summary>
    public async Task<IReadOnlyList<SilentTracker>> FindSilentAsync(DateTimeOffset now, TimeSpan idleAfter, TimeSpan offlineAfter, int limit,
        CancellationToken cancellationToken)
    {
        var rows = await database.ReadAsync(connection => connection.QueryAsync<SilentRow>(Command("""
            SELECT st.tracker_id AS TrackerId, st.state AS State, st.version AS Version, st.reported_at AS ReportedAt,
                   st.swept_status AS SweptStatus, t.idle_after AS IdleAfter, t.offline_after AS OfflineAfter
              FROM tracker_states st JOIN trackers t ON t.id = st.tracker_id
             WHERE st.reported_at IS NOT NULL AND NOT t.corrupted
               AND ((st.swept_status IS NULL AND st.reported_at <= @Now - COALESCE(t.idle_after, @IdleAfter))
                 OR (st.swept_status = 'idle' AND st.reported_at <= @Now - COALESCE(t.offline_after, @OfflineAfter)))
             ORDER BY st.reported_at
             LIMIT @Limit
            """, new
        {
            Now = now.ToUnixTimeMilliseconds(),
            IdleAfter = (long)idleAfter.TotalMilliseconds,
            OfflineAfter = (long)offlineAfter.TotalMilliseconds,
            Limit = limit,
        }, cancellationToken)), cancellationToken);
        return [.. rows.Select(r => new SilentTracker(r.TrackerId, StoredStateReader.Read(r.State), r.Version,
            DateTimeOffset.FromUnixTimeMilliseconds(r.ReportedAt), r.SweptStatus,
            r.IdleAfter is { } idle ? TimeSpan.FromMilliseconds(idle) : null,
            r.OfflineAfter is { } offline ? TimeSpan.FromMilliseconds(offline) : null))];
    }

    /// <summary>
    /// Writes each transition in one transaction, each only if its tracker's state is still at the version
    /// it was read at. Returns the trackers whose transition was written.
    /// </summary>
    public Task<IReadOnlyList<long>> MarkAsync(IReadOnlyList<StatusTransition> transitions, CancellationToken cancellationToken) =>
        transitions.Count == 0
            ? Task.FromResult<IReadOnlyList<long>>([])
            : database.WriteAsync<IReadOnlyList<long>>(async (connection, transaction) =>
            {
                var written = new List<long>();
                foreach (var transition in transitions)
                {
                    var rows = await connection.ExecuteAsync(Command("""
                        UPDATE tracker_states SET state = @State, swept_status = @Status
                         WHERE tracker_id = @TrackerId AND version = @Version
                        """, new
                    {
                        State = StateWriter.ToCanonicalJson(transition.State),
                        transition.Status,
                        transition.TrackerId,
                        transition.Version,
                    }, cancellationToken, transaction));
                    if (rows > 0)
                    {
                        written.Add(transition.TrackerId);
                    }
                }

                return written;
            }, cancellationToken);

    /// <summary>
    /// Sets the silences after which this tracker turns idle and offline (null: the server's default).
    /// False when there is no such tracker.
    /// </summary>
    public async Task<bool> SetTimeoutsAsync(long trackerId, TrackerTimeouts timeouts, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(Command(
            "UPDATE trackers SET idle_after = @IdleAfter, offline_after = @OfflineAfter WHERE id = @Id AND NOT corrupted",
            new
            {
                Id = trackerId,
                IdleAfter = (long?)timeouts.IdleAfter?.TotalMilliseconds,
                OfflineAfter = (long?)timeouts.OfflineAfter?.TotalMilliseconds,
            }, cancellationToken, transaction)), cancellationToken) > 0;

    /// <summary>The tracker's own silences (null where it uses the server's default); null when there is no such tracker.</summary>
    public async Task<TrackerTimeouts?> GetTimeoutsAsync(long trackerId, CancellationToken cancellationToken)
    {
        var row = await database.ReadAsync(connection => connection.QuerySingleOrDefaultAsync<TimeoutsRow>(Command(
            "SELECT idle_after AS IdleAfter, offline_after AS OfflineAfter FROM trackers WHERE id = @Id AND NOT corrupted",
            new { Id = trackerId }, cancellationToken)), cancellationToken);
        return row is null
            ? null
            : new TrackerTimeouts(row.IdleAfter is { } idle ? TimeSpan.FromMilliseconds(idle) : null,
                row.OfflineAfter is { } offline ? TimeSpan.FromMilliseconds(offline) : null);
    }

    private sealed class SilentRow
    {
        public long TrackerId { get; set; }
        public string State { get; set; } = "";
        public long Version { get; set; }
        public long ReportedAt { get; set; }
        public string? SweptStatus { get; set; }
        public long? IdleAfter { get; set; }
        public long? OfflineAfter { get; set; }
    }

    private sealed class TimeoutsRow
    {
        public long? IdleAfter { get; set; }
        public long? OfflineAfter { get; set; }
    }
}

/// <summary>A tracker whose device has been silent at least its idle silence, as the sweep read it.</summary>
internal sealed record SilentTracker(long TrackerId, TrackerState State, long Version, DateTimeOffset ReportedAt, string? SweptStatus,
    TimeSpan? IdleAfter, TimeSpan? OfflineAfter);

/// <summary>A status the sweep writes (<c>idle</c> or <c>offline</c>), onto the state <see cref="Version"/> it read.</summary>
internal sealed record StatusTransition(long TrackerId, long Version, string Status, TrackerState State);

/// <summary>A tracker's own silences before idle and offline; null: the server's default.</summary>
internal sealed record TrackerTimeouts(TimeSpan? IdleAfter, TimeSpan? OfflineAfter);

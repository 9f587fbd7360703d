using System.Data.Common;
using System.Text.Json;
using Dapper;
using TrackerEvents.Tracking;

namespace TrackerEvents.Store;

internal sealed partial class TrackerStore
{
    /// <summary>The current states of the given trackers (no ownership check: callers pass ids they resolved).</summary>
    public async Task<IReadOnlyDictionary<long, TrackerState>> GetStatesAsync(IReadOnlyCollection<long> trackerIds, CancellationToken cancellationToken)
    {
        var states = new Dictionary<long, TrackerState>();
        if (trackerIds.Count == 0)
        {
            return states;
        }

        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<StateRow>(Command(
            _statements.SelectStates, new { TrackerIds = dialect.IdList(trackerIds.Distinct().ToArray()) }, cancellationToken));
        foreach (var row in rows)
        {
            states[row.TrackerId] = ParseStoredState(row.State);
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

        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SnapshotRow>(Command(_statements.SelectSnapshot,
            new { TrackerIds = dialect.IdList(trackerIds.Distinct().ToArray()) }, cancellationToken));
        return rows.Select(r => new StateChange(r.Version, r.TrackerId, r.UserId, r.SourceId, r.Blocked, ParseStoredState(r.State))).ToList();
    }

    private sealed class SnapshotRow
    {
        public long TrackerId { get; set; }
        public long UserId { get; set; }
        public long SourceId { get; set; }
        public bool Blocked { get; set; }
        public string State { get; set; } = "";
        public long Version { get; set; }
    }

    /// <summary>
    /// Merges a batch of state updates into the trackers' current states, all or nothing. Updates
    /// are applied in order (two updates of one tracker both count). Throws
    /// <see cref="StoreConflictException"/> naming the first item whose tracker does not exist.
    /// </summary>
    public async Task<int> IngestStatesAsync(IReadOnlyList<StateUpdate> updates, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var write = await dialect.BeginWriteAsync(connection, cancellationToken);
        var transaction = write.Transaction;
        var ids = await LockLiveTrackersAsync(connection, transaction, updates.Select(u => u.TrackerId).ToList(), cancellationToken);

        var states = (await connection.QueryAsync<StateRow>(Command(_statements.SelectStatesForUpdate, new { TrackerIds = dialect.IdList(ids) }, cancellationToken, transaction)))
            .ToDictionary(r => r.TrackerId, r => ParseStoredState(r.State));
        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        foreach (var update in updates)
        {
            var current = states.GetValueOrDefault(update.TrackerId, TrackerState.Initial);
            states[update.TrackerId] = StatePatch.Apply(current, update.Patch, now, errors, "", strict: false);
        }

        await connection.ExecuteAsync(Command("""
            INSERT INTO tracker_states (tracker_id, state) VALUES (@TrackerId, @State)
            ON CONFLICT (tracker_id) DO UPDATE SET state = excluded.state
            """, states.Select(s => new { TrackerId = s.Key, State = StateWriter.ToCanonicalJson(s.Value) }), cancellationToken, transaction));
        await transaction.CommitAsync(cancellationToken);
        signal.Notify();
        return updates.Count;
    }

    /// <summary>
    /// Inside a write transaction: locks the trackers of a batch against concurrent ingest writers and
    /// checks that each exists; throws <see cref="StoreConflictException"/> naming the first item whose
    /// tracker does not. Returns the distinct ids in order.
    /// </summary>
    private async Task<long[]> LockLiveTrackersAsync(DbConnection connection, DbTransaction transaction, List<long> itemTrackerIds,
        CancellationToken cancellationToken)
    {
        var ids = itemTrackerIds.Distinct().Order().ToArray();
        var live = (await connection.QueryAsync<long>(Command(
            _statements.SelectLiveTrackersForWrite, new { TrackerIds = dialect.IdList(ids) }, cancellationToken, transaction))).ToHashSet();
        for (var i = 0; i < itemTrackerIds.Count; i++)
        {
            if (!live.Contains(itemTrackerIds[i]))
            {
                throw new StoreConflictException(StoreConflict.UnknownTracker, "Tracker not found", i);
            }
        }

        return ids;
    }

    /// <summary>Reads the stored JSON; rows another program wrote badly read as far as they are valid.</summary>
    private static TrackerState ParseStoredState(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return StatePatch.Apply(TrackerState.Initial, document.RootElement, now: null, new FieldErrors(), "", strict: false);
        }
        catch (JsonException)
        {
            return TrackerState.Initial;
        }
    }
}

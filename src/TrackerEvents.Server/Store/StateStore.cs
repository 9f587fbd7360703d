using System.Text.Json;
using Dapper;
using TrackerEvents.Tracking;
using static TrackerEvents.Store.Database;

namespace TrackerEvents.Store;

/// <summary>Trackers' current states: reads, a subscribe's snapshot, and the merge of ingested updates.</summary>
internal sealed class StateStore(Database database, TrackerStore trackers, TimeProvider time)
{
    /// <summary>The current states of the given trackers (no ownership check: callers pass ids they resolved).</summary>
    public async Task<IReadOnlyDictionary<long, TrackerState>> GetStatesAsync(IReadOnlyCollection<long> trackerIds,
        CancellationToken cancellationToken)
    {
        var states = new Dictionary<long, TrackerState>();
        if (trackerIds.Count == 0)
        {
            return states;
        }

        var rows = await database.ReadAsync(connection => connection.QueryAsync<StateRow>(Command(database.Statements.SelectStates,
            new { TrackerIds = database.Dialect.IdList(trackerIds.Distinct().ToArray()) }, cancellationToken)), cancellationToken);
        foreach (var row in rows)
        {
            states[row.TrackerId] = ParseStored(row.State);
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

        var rows = await database.ReadAsync(connection => connection.QueryAsync<SnapshotRow>(Command(database.Statements.SelectSnapshot,
            new { TrackerIds = database.Dialect.IdList(trackerIds.Distinct().ToArray()) }, cancellationToken)), cancellationToken);
        return rows.Select(r => new StateChange(r.Version, r.TrackerId, r.UserId, r.SourceId, r.Blocked, ParseStored(r.State))).ToList();
    }

    /// <summary>
    /// Merges a batch of state updates into the trackers' current states, all or nothing. Updates
    /// are applied in order (two updates of one tracker both count). Throws
    /// <see cref="StoreConflictException"/> naming the first item whose tracker does not exist.
    /// </summary>
    public Task<int> IngestStatesAsync(IReadOnlyList<StateUpdate> updates, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var ids = await trackers.LockLiveTrackersAsync(connection, transaction, [.. updates.Select(u => u.TrackerId)], cancellationToken);
            var states = (await connection.QueryAsync<StateRow>(Command(database.Statements.SelectStatesForUpdate,
                    new { TrackerIds = database.Dialect.IdList(ids) }, cancellationToken, transaction)))
                .ToDictionary(r => r.TrackerId, r => ParseStored(r.State));
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
                """, states.Select(s => new { TrackerId = s.Key, State = StateWriter.ToCanonicalJson(s.Value) }),
                cancellationToken, transaction));
            return updates.Count;
        }, cancellationToken);

    /// <summary>Reads a stored state; rows another program wrote badly read as far as they are valid.</summary>
    internal static TrackerState ParseStored(string json)
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

    private sealed class SnapshotRow
    {
        public long TrackerId { get; set; }
        public long UserId { get; set; }
        public long SourceId { get; set; }
        public bool Blocked { get; set; }
        public string State { get; set; } = "";
        public long Version { get; set; }
    }
}

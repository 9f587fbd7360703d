using System.Data.Common;
using TrackerEvents.Tracking;

namespace TrackerEvents.Store;

/// <summary>
/// A state write in one statement, where the engine has one (<see cref="IStoreDialect.WriteStates"/>, PostgreSQL):
/// the writes are merged in memory onto the states this process last committed for their trackers
/// (<see cref="WrittenStates"/>), with the owners, sources and blocked flags they were committed with, and the
/// statement writes them only if every row is still at that version and every tracker as it was — one
/// round trip where a transaction of its own takes three (lock, update, commit). When a tracker's state is not
/// remembered, or the statement finds a row changed since, a tracker gone or corrupted, nothing is written here and
/// the caller writes in a transaction, reading what it needs, as before.
/// </summary>
internal sealed class OneStatementWrite(Database database, WrittenStates written, CarriedChanges carried, TimeProvider time)
{
    private long _writes;

    /// <summary>Writes done in one statement since start (an observable count, for tests and diagnostics).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>
    /// Per write, true: every tracker was written, by one statement that has committed. Null: nothing was written.
    /// </summary>
    public async Task<bool[]?> TryWriteAsync(IReadOnlyList<StateWrite> writes, CancellationToken cancellationToken)
    {
        if (database.Dialect.WriteStates is not { } call)
        {
            return null;
        }

        var states = new Dictionary<long, TrackerState>();
        var latest = new Dictionary<long, StateChange>();
        foreach (var write in writes)
        {
            if (!latest.ContainsKey(write.TrackerId))
            {
                if (!written.TryGetLatest(write.TrackerId, out var known))
                {
                    return null;
                }

                (latest[write.TrackerId], states[write.TrackerId]) = (known, known.State);
            }
        }

        var merge = StateMerge.Of(writes, _ => true, states, WrittenStates.ToMilliseconds(time.GetUtcNow()));
        var result = await database.WriteInOneStatementAsync(
            (connection, handed) => WriteAsync(connection, call, merge, latest, handed, cancellationToken), cancellationToken);
        if (result is not null)
        {
            Interlocked.Increment(ref _writes);
        }

        return result;
    }

    private async Task<bool[]?> WriteAsync(DbConnection connection, string call, StateMerge merge, Dictionary<long, StateChange> latest,
        HandedStates handed, CancellationToken cancellationToken)
    {
        var rows = merge.Rows;
        var known = rows.ConvertAll(r => latest[r.TrackerId]);
        await using var command = connection.CreateCommand();
        command.CommandText = call;
        StateRowWriter.AddParameter(command, "@TrackerIds", rows.Select(r => r.TrackerId).ToArray());
        StateRowWriter.AddParameter(command, "@States", rows.Select(r => r.State).ToArray());
        StateRowWriter.AddParameter(command, "@ReportedAts", rows.Select(r => r.ReportedAt).ToArray());
        StateRowWriter.AddParameter(command, "@Expected", known.Select(k => k.Version).ToArray());
        StateRowWriter.AddParameter(command, "@Owners", known.Select(k => k.UserId).ToArray());
        StateRowWriter.AddParameter(command, "@Sources", known.Select(k => k.SourceId).ToArray());
        StateRowWriter.AddParameter(command, "@Blocked", known.Select(k => k.Blocked).ToArray());
        StateRowWriter.AddParameter(command, "@Carried", carried.Chunk([.. rows.Select((r, i) => new CarriedChanges.Row(r.TrackerId, known[i].UserId, known[i].SourceId,
            known[i].Blocked, r.State))]));
        if (await command.ExecuteScalarAsync(cancellationToken) is not long first)
        {
            return null;
        }

        for (var i = 0; i < rows.Count; i++)
        {
            handed.Add(new StateChange(first + i, rows[i].TrackerId, known[i].UserId, known[i].SourceId, known[i].Blocked, merge.Stored[rows[i].TrackerId]),
                rows[i].State);
        }

        return merge.Written;
    }
}

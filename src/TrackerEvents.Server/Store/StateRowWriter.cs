using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using static TrackerEvents.Store.Database;

namespace TrackerEvents.Store;

/// <summary>
/// Writes merged states back into <c>tracker_states</c> inside a write transaction, as cheaply per row as
/// each engine allows: an UPDATE (the row exists for every tracker created here; an upsert would try
/// the insert first), and an INSERT only for a tracker whose row another program never created. The JSON goes
/// to the engine as the UTF-8 bytes it was written in (<see cref="IStoreDialect.StateFromUtf8"/>): as a string
/// it was made once from them and once back into them for the driver, a quarter of the device listener's
/// allocation.
/// </summary>
/// <remarks>
/// PostgreSQL gets every row of the group in one statement over arrays (<see cref="IStoreDialect.UpdateStates"/>):
/// one round trip per row held a group commit of 1,000 points for a third of a second, and a batch of one
/// statement per row still paid each statement's execution and its statement trigger. SQLite, in process, steps one
/// prepared statement per row on the connection's handle (<see cref="SqliteStateRows"/>): Dapper's multi-row execute
/// built and bound the parameters per row, which was a third of a group commit's time there. The writer stamps the versions
/// (<see cref="IStoreDialect.ReserveVersions"/>; on PostgreSQL the UPDATE reserves them itself, saving a round
/// trip): the rows take consecutive versions from one block and are each
/// written once, where a trigger wrote every row again (SQLite) or took the version lock and a version per row
/// (PostgreSQL). <c>reported_at</c> moves
/// only with a device's point, and the sweep's mark of the last silence goes with it.
/// </remarks>
internal static class StateRowWriter
{
    /// <summary>One row to write: the tracker, its state's JSON (UTF-8), and the report time of a device's point (null: none).</summary>
    public readonly record struct Row(long TrackerId, byte[] State, long? ReportedAt);

    /// <returns>
    /// The version of the first row, the others following in order; null when a row had to be inserted (its
    /// trigger gave it a version of its own, and the block's version for it is a gap).
    /// </returns>
    public static async Task<long?> WriteAsync(DbConnection connection, DbTransaction transaction, IStoreDialect dialect, StoreStatements statements,
        IReadOnlyList<Row> rows, string[] carried, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return null;
        }

        long firstVersion;
        List<Row> missing;
        if (dialect.UpdateStates is { } atOnce)
        {
            (missing, firstVersion) = await UpdateAtOnceAsync(connection, transaction, atOnce, rows, carried, cancellationToken);
        }
        else
        {
            firstVersion = await connection.ExecuteScalarAsync<long>(Command(dialect.ReserveVersions, new { rows.Count }, cancellationToken, transaction))
                - rows.Count + 1;
            // The one engine without UpdateStates: in process, one prepared statement per row costs no round trip.
            missing = SqliteStateRows.Update((SqliteConnection)connection, statements.UpdateState, rows, firstVersion);
        }

        if (missing.Count > 0)
        {
            await connection.ExecuteAsync(Command(statements.InsertState, missing.Select(r => new { r.TrackerId, r.State, r.ReportedAt }), cancellationToken, transaction));
            return null;
        }

        return firstVersion;
    }

    /// <summary>
    /// Every row in one statement over arrays of the rows' values, which reserves the rows' versions itself and
    /// returns the trackers whose row it updated with the version of the first row (the rows missing, and it).
    /// When it updated every row, it also sends the <paramref name="carried"/> chunks (<see cref="CarriedChanges"/>).
    /// </summary>
    private static async Task<(List<Row> Missing, long FirstVersion)> UpdateAtOnceAsync(DbConnection connection, DbTransaction transaction,
        string update, IReadOnlyList<Row> rows, string[] carried, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = update;
        AddParameter(command, "@TrackerIds", rows.Select(r => r.TrackerId).ToArray());
        AddParameter(command, "@States", rows.Select(r => r.State).ToArray());
        AddParameter(command, "@ReportedAts", rows.Select(r => r.ReportedAt).ToArray());
        AddParameter(command, "@Carried", carried);
        var updated = new HashSet<long>(rows.Count);
        var firstVersion = 0L;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                updated.Add(reader.GetInt64(0));
                firstVersion = reader.GetInt64(1);
            }
        }

        return ([.. rows.Where(r => !updated.Contains(r.TrackerId))], firstVersion);
    }

    /// <summary>
    /// A parameter whose type the provider infers from <paramref name="value"/>: an array maps to the engine's own
    /// array type (PostgreSQL: bigint[], bytea[]), nulls included.
    /// </summary>
    internal static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}

using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace TrackerEvents.Store;

/// <summary>
/// SQLite's per-row UPDATE of a state write (<see cref="StateRowWriter"/>), run on the connection's own handle: one
/// statement prepared once per write, its four values bound by index and stepped per row. Through
/// <c>SqliteCommand</c> each row built a data reader, a parameter binder and a boxed value per parameter, and looked
/// every parameter up by name again: 9 % of many viewers' sampled allocation (`TraceReport alloc`,
/// docs/performance.md), and 60 µs of every 100 rows in a scratch timing on a table of 150,000 states.
/// </summary>
internal static class SqliteStateRows
{
    /// <summary>
    /// Inside the write transaction on <paramref name="connection"/>: runs <paramref name="update"/>
    /// (<see cref="StoreStatements.UpdateState"/>) for each row, the i-th with the version
    /// <paramref name="firstVersion"/> + i. Returns the rows that matched no state row.
    /// </summary>
    public static List<StateRowWriter.Row> Update(SqliteConnection connection, string update, IReadOnlyList<StateRowWriter.Row> rows,
        long firstVersion)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var missing = new List<StateRowWriter.Row>();
        Check(raw.sqlite3_prepare_v2(db, update, out sqlite3_stmt statement), db);
        using (statement)
        {
            int trackerId = Index(statement, "@TrackerId"), state = Index(statement, "@State"), reportedAt = Index(statement, "@ReportedAt"),
                version = Index(statement, "@Version");
            for (var i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                Check(raw.sqlite3_bind_int64(statement, trackerId, row.TrackerId), db);
                Check(raw.sqlite3_bind_blob(statement, state, row.State), db);
                Check(row.ReportedAt is { } at ? raw.sqlite3_bind_int64(statement, reportedAt, at) : raw.sqlite3_bind_null(statement, reportedAt), db);
                Check(raw.sqlite3_bind_int64(statement, version, firstVersion + i), db);
                var stepped = raw.sqlite3_step(statement);
                if (stepped != raw.SQLITE_DONE)
                {
                    raw.sqlite3_reset(statement);
                    SqliteException.ThrowExceptionForRC(stepped, db);
                }

                // The rows the statement itself changed: the change log's trigger is not counted.
                if (raw.sqlite3_changes(db) == 0)
                {
                    missing.Add(row);
                }

                raw.sqlite3_reset(statement);
            }
        }

        return missing;
    }

    private static int Index(sqlite3_stmt statement, string name) =>
        raw.sqlite3_bind_parameter_index(statement, name) is > 0 and var index
            ? index
            : throw new InvalidOperationException($"The state update names no parameter {name}.");

    private static void Check(int result, sqlite3 db)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, db);
        }
    }
}

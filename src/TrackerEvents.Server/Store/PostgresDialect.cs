using System.Collections.Immutable;
using System.Data.Common;
using System.Net.Sockets;
using Dapper;
using Npgsql;

namespace TrackerEvents.Store;

/// <summary>
/// The production engine: PostgreSQL, shared by several server processes. Versions come from the
/// triggers in <c>sql/postgres</c>; writers lock the rows they merge, in id order.
/// </summary>
internal sealed class PostgresDialect : IStoreDialect
{
    /// <summary>The channel the triggers NOTIFY after every statement that may have created versions.</summary>
    public const string ChangesChannel = "trackerevents_changes";

    // 'TrkEvMig' as a number; the version lock in sql/postgres/0001_initial.sql is 'TrkEvVer'.
    private const long MigrationLockKey = 6085043992612661607;

    // Filled in only where the connection string does not say otherwise. A node must notice quickly that
    // the database is gone (health turns unready, API calls answer "database unavailable") rather than
    // hang for Npgsql's defaults (15 s to connect, 30 s per command, no keepalive).
    private static readonly ImmutableArray<(string Key, object Value)> Defaults =
    [
        ("Timeout", 3),
        ("Command Timeout", 10),
        ("Tcp Keepalive", true),
        ("Tcp Keepalive Time", 10),
        ("Tcp Keepalive Interval", 5),
        ("Application Name", "TrackerEvents"),
        // The hot statements (a write's lock, versions and per-row UPDATE, the change feed's read) are
        // prepared on each pooled connection after a few uses, and kept across its reuse: PostgreSQL parses
        // and plans them once, where it did for every row of every write.
        ("Max Auto Prepare", 32),
        // A pooled connection comes back as it was left: the server sets no session state on them (no SET,
        // no LISTEN, no temporary table; the migration's session lock is released explicitly), and an open
        // transaction is still rolled back on return. The reset Npgsql would otherwise put in front of the
        // next command (seven statements: SET SESSION AUTHORIZATION DEFAULT, RESET ALL, …) ran before every
        // write, on the database's side of a change's way to its viewers (docs/performance.md).
        ("No Reset On Close", true),
    ];

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _listenerSource;

    public PostgresDialect(string connectionString)
    {
        ConnectionString = WithDefaults(connectionString);
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
        // The listener holds one connection for as long as it listens; it is never shared, and a broken
        // one is thrown away rather than returned to a pool.
        var listener = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false };
        if (!Explicit(connectionString).Contains("Application Name"))
        {
            listener.ApplicationName = "TrackerEvents listener";
        }

        _listenerSource = NpgsqlDataSource.Create(listener);
    }

    public string Name => "postgres";

    /// <summary>The connection string in use: the configured one with the fail-fast defaults filled in.</summary>
    public string ConnectionString { get; }

    public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>Opens the listener's own connection (not pooled).</summary>
    public ValueTask<NpgsqlConnection> OpenListenerAsync(CancellationToken cancellationToken) =>
        _listenerSource.OpenConnectionAsync(cancellationToken);

    // A plain READ COMMITTED transaction: the rows to merge are locked by the statements that end in
    // ForUpdate/ForNoKeyUpdate (StoreStatements), and the version lock is taken with the first versions
    // (reserve_change_versions, or the triggers for rows the writer does not stamp).
    public async ValueTask<WriteTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        new(await connection.BeginTransactionAsync(cancellationToken), turn: null);

    public object IdList(long[] ids) => ids;

    public string InTrackerIds => "= ANY(@TrackerIds)";

    public string ForUpdate => "FOR UPDATE";

    // NO KEY UPDATE: the trackers locked for an ingest batch are referred to by the lifecycle events of
    // the same trackers, whose foreign-key checks take KEY SHARE locks; FOR UPDATE would conflict with them.
    public string ForNoKeyUpdate => "FOR NO KEY UPDATE";

    public string SelectCurrentVersion => "SELECT current_change_version()";

    public string StateFromUtf8 => "convert_from(@State, 'UTF8')";

    public string StateAsUtf8 => "convert_to(st.state, 'UTF8')";

    // The versions are reserved by the same statement (the block's first is returned with each row), one round trip
    // where the reservation took one of its own; the version lock is taken at the same point of the transaction.
    // When every row was updated, the statement also sends @Carried (CarriedChanges): the chunks of the rows'
    // changes, each behind 'c' and the version before the block. They go out before the trigger's notice of how far
    // the versions go, which fires at the end of the statement, so a node has the changes when it learns of them.
    // A notification queue that listeners are not emptying (a node frozen while connected) is left to the notices.
    public string? UpdateStates => """
        WITH reserved AS MATERIALIZED (
            SELECT reserve_change_versions(cardinality(@TrackerIds)::BIGINT) - cardinality(@TrackerIds) AS before),
        updated AS (
            UPDATE tracker_states AS st
               SET state = convert_from(u.state, 'UTF8'), version = reserved.before + u.ordinal,
                   reported_at = COALESCE(u.reported_at, st.reported_at),
                   swept_status = CASE WHEN u.reported_at IS NULL THEN st.swept_status END
              FROM reserved, unnest(@TrackerIds, @States, @ReportedAts) WITH ORDINALITY AS u(tracker_id, state, reported_at, ordinal)
             WHERE st.tracker_id = u.tracker_id
            RETURNING st.tracker_id, reserved.before + 1 AS first),
        carried AS MATERIALIZED (
            SELECT pg_notify('trackerevents_changes', 'c' || reserved.before || c.chunk)
              FROM reserved, unnest(@Carried::TEXT[]) WITH ORDINALITY AS c(chunk, ordinal)
             WHERE (SELECT count(*) FROM updated) = cardinality(@TrackerIds) AND pg_notification_queue_usage() < 0.1
             ORDER BY c.ordinal)
        SELECT tracker_id, first FROM updated WHERE (SELECT count(*) FROM carried) >= 0
        """;

    public string? DeleteLoggedVersions => null;

    public string? SelectLoggedStates => null;

    public string? WriteStates =>
        "SELECT write_states(@TrackerIds, @States, @ReportedAts, @Expected, @Owners, @Sources, @Blocked, @Carried::TEXT[])";

    public string? SelectTrackerGeneration => null;

    // Fixed when the database was created (CREATE DATABASE … ENCODING).
    public string NotUtf8 => "SELECT current_setting('server_encoding') WHERE current_setting('server_encoding') <> 'UTF8'";

    // sql/postgres/0007_read_changes.sql
    public string? ReadChanges => """
        SELECT version AS Version, kind AS Kind, tracker_id AS TrackerId, user_id AS UserId, source_id AS SourceId, blocked AS Blocked,
               item_kind AS ItemKind, item_key AS ItemKey, payload AS Payload, occurred_at AS OccurredAt
          FROM read_changes(@After, @Limit)
        """;

    public string ReserveVersions => "SELECT reserve_change_versions(@Count)";

    public async ValueTask<IAsyncDisposable> LockForMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // A session lock, held across the migration transactions and released explicitly (or by the
        // server when the connection dies). Waiting for another node's migration may take longer than
        // the usual command timeout.
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@Key)", new { Key = MigrationLockKey },
            commandTimeout: 300, cancellationToken: cancellationToken));
        return new MigrationLock(connection);
    }

    public bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return IsUnavailableState(pg.SqlState)
                        || pg.MessageText.Contains("the database system is starting up", StringComparison.OrdinalIgnoreCase)
                        || pg.MessageText.Contains("the database system is shutting down", StringComparison.OrdinalIgnoreCase);
                // Npgsql wraps what went wrong on the wire: refused or reset connections (SocketException),
                // a stream that broke mid-message (IOException), connect, pool or read timeouts.
                case NpgsqlException { InnerException: SocketException or IOException or TimeoutException }:
                case SocketException or TimeoutException:
                    return true;
            }
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await _listenerSource.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    /// <summary>The configured connection string with <see cref="Defaults"/> filled in where it sets nothing.</summary>
    internal static string WithDefaults(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var given = Explicit(connectionString);
        foreach (var (key, value) in Defaults)
        {
            if (!given.Contains(key))
            {
                builder[key] = value;
            }
        }

        return builder.ConnectionString;
    }

    // Npgsql's builder answers every known keyword, set or not; its ConnectionString holds only the
    // keywords that were given, under their canonical names (synonyms such as CommandTimeout resolved).
    private static HashSet<string> Explicit(string connectionString)
    {
        var canonical = new DbConnectionStringBuilder { ConnectionString = new NpgsqlConnectionStringBuilder(connectionString).ConnectionString };
        return canonical.Keys.Cast<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    // Class 08: connection exceptions. 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03
    // cannot_connect_now (starting up, shutting down, in recovery). 53300 too_many_connections: the
    // server is up but takes no more connections, which to a caller is the same as down.
    private static bool IsUnavailableState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState is "57P01" or "57P02" or "57P03" or "53300";

    private sealed class MigrationLock(DbConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@Key)", new { Key = MigrationLockKey }));
            }
            catch (NpgsqlException)
            {
                // The connection is broken, so its session, and the lock with it, is gone already.
            }
        }
    }
}

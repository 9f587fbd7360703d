using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace TrackerEvents.Store;

/// <summary>The embedded engine: one SQLite file, WAL journal, one writer at a time.</summary>
internal sealed class SqliteDialect : IStoreDialect
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeTurn = new(1, 1);

    // The native connections configured by OpenAsync: the pool hands the same one out again, with its settings.
    private readonly ConditionalWeakTable<sqlite3, sqlite3> _configured = new();

    public SqliteDialect(string connectionString, string contentRoot, long walSizeLimit = 64 * 1024 * 1024)
    {
        WalSizeLimit = walSizeLimit;
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            ForeignKeys = null, // set once per connection in OpenAsync: Microsoft.Data.Sqlite would set it on every open
            Pooling = true,
            DefaultTimeout = 30, // seconds; the busy_timeout below is the same
        };
        if (builder.DataSource != ":memory:" && !string.IsNullOrEmpty(builder.DataSource))
        {
            var path = Path.GetFullPath(builder.DataSource, contentRoot);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            builder.DataSource = path;
        }

        _connectionString = builder.ToString();
        DatabasePath = builder.DataSource;
    }

    public string Name => "sqlite";

    public string DatabasePath { get; }

    /// <summary><see cref="StoreOptions.WalSizeLimit"/>.</summary>
    public long WalSizeLimit { get; }

    /// <summary>
    /// Opens a pooled connection. A connection new to this process is configured first; its settings stay with it
    /// while the pool keeps it. They were set on every open, reads included: six statements parsed and run, 7–9 µs of an
    /// open that otherwise takes well under one (a scratch timing of 20,000 opens).
    /// </summary>
    public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        var handle = connection.Handle!;
        if (_configured.TryGetValue(handle, out _))
        {
            return connection;
        }

        try
        {
            await ConfigureAsync(connection, cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        _configured.AddOrUpdate(handle, handle);
        return connection;
    }

    private async Task ConfigureAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var pragma = connection.CreateCommand();
        // WAL lets readers run while one writer commits; NORMAL sync is durable in WAL mode except for
        // the last commits on power loss, which is the trade-off every embedded WAL user makes.
        // wal_autocheckpoint = 0: the log is copied back by SqliteCheckpointer, off the commit path.
        // busy_timeout: a write that finds another process writing waits inside SQLite (polling in steps of
        // 1 to 100 ms) rather than failing at once into Microsoft.Data.Sqlite's retry, which sleeps 150 ms.
        // journal_size_limit: when the log starts again from the beginning, the file is trimmed to this size
        // (a pragma takes no parameter: the value is a number from the validated settings).
        pragma.CommandText = "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000; "
            + "PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = " + WalSizeLimit.ToString(CultureInfo.InvariantCulture) + ";";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Waits for this process's turn as the writer, then begins the transaction. SQLite lets one writer
    /// in at a time; a second one that finds the lock taken gets SQLITE_BUSY, on which
    /// Microsoft.Data.Sqlite sleeps 150 ms before it tries again (the busy timeout set in
    /// <see cref="OpenAsync"/> makes SQLite itself retry sooner, but still by polling, on a blocked
    /// thread). Waiting here instead costs no thread and hands the turn on the moment the last writer
    /// is done. Other processes on the same file still meet the busy timeout.
    /// </summary>
    public async ValueTask<WriteTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await _writeTurn.WaitAsync(cancellationToken);
        try
        {
            // Microsoft.Data.Sqlite issues BEGIN IMMEDIATE for a non-deferred transaction: the write lock is
            // taken up front, so reads inside the transaction see what the writes will be based on.
            return new WriteTransaction(((SqliteConnection)connection).BeginTransaction(deferred: false), new Turn(_writeTurn));
        }
        catch
        {
            _writeTurn.Release();
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> while no writer of this process writes (it holds the writer's turn).</summary>
    public async Task WithWritersHeldAsync(Func<Task> work, CancellationToken cancellationToken)
    {
        await _writeTurn.WaitAsync(cancellationToken);
        try
        {
            await work();
        }
        finally
        {
            _writeTurn.Release();
        }
    }

    /// <summary>The ids as one JSON array, read by <c>json_each</c>.</summary>
    public object IdList(long[] ids)
    {
        var json = new StringBuilder(ids.Length * 8 + 2).Append('[');
        for (var i = 0; i < ids.Length; i++)
        {
            (i > 0 ? json.Append(',') : json).Append(ids[i].ToString(CultureInfo.InvariantCulture));
        }

        return json.Append(']').ToString();
    }

    public string InTrackerIds => "IN (SELECT value FROM json_each(@TrackerIds))";

    // The write transaction is BEGIN IMMEDIATE: no other writer runs until it commits, nothing to lock.
    public string ForUpdate => "";

    public string ForNoKeyUpdate => "";

    public string SelectCurrentVersion => "SELECT value FROM change_counter WHERE id = 1";

    // A blob read as text in the database's encoding, UTF-8.
    public string StateFromUtf8 => "CAST(@State AS TEXT)";

    public string StateAsUtf8 => "CAST(st.state AS BLOB)"; // the text's bytes as stored: the database is UTF-8

    // In process, one prepared statement per row costs no round trip.
    public string? UpdateStates => null;

    public string? ReadChanges => null;

    // Fixed when the file was created (PRAGMA encoding): UTF-8 unless another program chose UTF-16.
    public string NotUtf8 => "SELECT encoding FROM pragma_encoding WHERE encoding <> 'UTF-8'";

    public string? DeleteLoggedVersions => "DELETE FROM state_changes WHERE version IN (SELECT value FROM json_each(@Versions))";

    public string? WriteStates => null;

    public string? SelectLoggedStates => "SELECT version, tracker_id FROM state_changes WHERE version > @After ORDER BY version LIMIT @Limit";

    public string? SelectTrackerGeneration => "SELECT value FROM tracker_generation WHERE id = 1";

    public string ReserveVersions => "UPDATE change_counter SET value = value + @Count WHERE id = 1 RETURNING value";

    // CREATE TABLE IF NOT EXISTS is atomic here, and each migration runs in a BEGIN IMMEDIATE
    // transaction, which already excludes every other writer (another process on the same file included).
    public ValueTask<IAsyncDisposable> LockForMigrationAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IAsyncDisposable>(NoLock.Instance);

    public bool IsUnavailable(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 14 /* SQLITE_CANTOPEN */ or 10 /* SQLITE_IOERR */ };

    public ValueTask DisposeAsync()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    private sealed class Turn(SemaphoreSlim writeTurn) : IDisposable
    {
        public void Dispose() => writeTurn.Release();
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

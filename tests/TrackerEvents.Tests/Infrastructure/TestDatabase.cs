using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace TrackerEvents.Tests.Infrastructure;

/// <summary>
/// An empty store of one engine for one test: a temporary SQLite file, or a fresh, uniquely named
/// PostgreSQL database on the server of <see cref="Engines.PostgresVariable"/>. Several servers may
/// share it (<see cref="RunningServer.StartOnAsync"/>); the test may also write to it
/// with plain SQL through <see cref="OpenAsync"/>, as another program would.
/// </summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _directory;
    private readonly string? _adminConnectionString;
    private readonly string? _databaseName;

    private TestDatabase(Engine engine, string connectionString, string? directory, string? adminConnectionString, string? databaseName)
    {
        Engine = engine;
        ConnectionString = connectionString;
        _directory = directory;
        _adminConnectionString = adminConnectionString;
        _databaseName = databaseName;
    }

    public Engine Engine { get; }

    public string ConnectionString { get; }

    /// <summary>The settings that point a server at this store.</summary>
    public string[] Settings =>
    [
        $"Store:Provider={Engine}",
        $"ConnectionStrings:Tracker={ConnectionString}",
    ];

    /// <param name="engine">The engine.</param>
    /// <param name="encoding">A text encoding other than UTF-8 the store is created with (SQLite: <c>UTF-16le</c>,
    /// PostgreSQL: e.g. <c>LATIN1</c>), as another program could have; null: the engine's default, UTF-8.</param>
    public static async Task<TestDatabase> CreateAsync(Engine engine, string? encoding = null)
    {
        if (engine == Engine.Sqlite)
        {
            var directory = Path.Combine(Path.GetTempPath(), "trackerevents-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            var file = new TestDatabase(engine, $"Data Source={Path.Combine(directory, "trackerevents.db")}", directory, null, null);
            if (encoding is not null)
            {
                // Set before the first table; fixed for the file from then on. The encoding is the test's own constant.
                await using var connection = await file.OpenAsync();
                await connection.ExecuteAsync($"PRAGMA encoding = '{encoding}'; CREATE TABLE created_elsewhere (id INTEGER)");
            }

            return file;
        }

        // Pooling off: the admin connection must not linger after the DROP at the end.
        var admin = new NpgsqlConnectionStringBuilder(Engines.RequirePostgres()) { Pooling = false };
        var name = "te_test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync();
            // A database name cannot be a parameter; this one is made here from a GUID, never from input.
            await connection.ExecuteAsync(encoding is null
                ? $"CREATE DATABASE {name}"
                : $"CREATE DATABASE {name} ENCODING '{encoding}' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
        }

        // A connect timeout of 15 s instead of the server's 3: on a CI machine busy with browsers and a hundred
        // other tests, a new connection now and then takes longer than 3 s to be accepted, which is the test
        // machine's state, not the behaviour under test (DatabaseFaultTests keeps the server's own default).
        var database = new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = name, Pooling = true, Timeout = 15 };
        return new TestDatabase(engine, database.ConnectionString, null, admin.ConnectionString, name);
    }

    /// <summary>A connection of the test's own, not the server's.</summary>
    public async Task<DbConnection> OpenAsync()
    {
        DbConnection connection = Engine == Engine.Sqlite ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (_directory is not null)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // still open somewhere; the OS cleans its temp folder eventually
            }

            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        try
        {
            // FORCE (PostgreSQL 13+) ends any session still connected, such as a server's listener.
            await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {_databaseName} WITH (FORCE)");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // FORCE refuses a role without superuser when an autovacuum worker is in the database (it has no
            // role of ours). A plain DROP asks autovacuum to stop and waits for it; our own sessions go first.
            await connection.ExecuteAsync("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE datname = @Name AND pid <> pg_backend_pid() AND usename = current_user
                """, new { Name = _databaseName });
            await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {_databaseName}");
        }
    }
}

using Dapper;
using Microsoft.Data.Sqlite;
using TrackerEvents.Store;

namespace TrackerEvents.Tests.Store;

/// <summary>The embedded store's connections: configured once, and still so when the pool hands them out again.</summary>
public sealed class SqliteConnectionTests : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("trackerevents-connections-").FullName;
    private readonly SqliteDialect _dialect;

    public SqliteConnectionTests() => _dialect = new SqliteDialect($"Data Source={Path.Combine(_directory, "test.db")}", _directory);

    public async ValueTask DisposeAsync()
    {
        await _dialect.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task EveryConnection_NewOrFromThePool_HasTheStoresSettings()
    {
        object? first = null;
        for (var i = 0; i < 3; i++)
        {
            await using var connection = (SqliteConnection)await _dialect.OpenAsync(CancellationToken.None);
            first ??= connection.Handle;
            connection.Handle.Should().BeSameAs(first, "the pool hands the one native connection out again");
            await ShouldBeConfiguredAsync(connection);
        }

        // Two at once: the second is a new native connection, configured when it is first opened.
        await using var one = (SqliteConnection)await _dialect.OpenAsync(CancellationToken.None);
        await using var two = (SqliteConnection)await _dialect.OpenAsync(CancellationToken.None);
        two.Handle.Should().NotBeSameAs(one.Handle);
        await ShouldBeConfiguredAsync(one);
        await ShouldBeConfiguredAsync(two);
    }

    [Fact]
    public async Task AConnectionFromThePool_StillRefusesARowThatPointsNowhere()
    {
        // The bundled SQLite enforces foreign keys by default; the store turns them on anyway, for any other build.
        await using (var connection = await _dialect.OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("CREATE TABLE parents (id INTEGER PRIMARY KEY); "
                + "CREATE TABLE children (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parents (id))");
        }

        await using var again = await _dialect.OpenAsync(CancellationToken.None);
        var insert = () => again.ExecuteAsync("INSERT INTO children (parent_id) VALUES (42)");

        (await insert.Should().ThrowAsync<SqliteException>()).Which.Message.Should().Contain("FOREIGN KEY constraint failed");
        (await again.ExecuteScalarAsync<long>("SELECT count(*) FROM children")).Should().Be(0);
    }

    private async Task ShouldBeConfiguredAsync(SqliteConnection connection)
    {
        (await connection.ExecuteScalarAsync<long>("PRAGMA foreign_keys")).Should().Be(1);
        (await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode")).Should().Be("wal");
        (await connection.ExecuteScalarAsync<long>("PRAGMA synchronous")).Should().Be(1, "NORMAL");
        (await connection.ExecuteScalarAsync<long>("PRAGMA busy_timeout")).Should().Be(30_000);
        (await connection.ExecuteScalarAsync<long>("PRAGMA wal_autocheckpoint")).Should().Be(0);
        (await connection.ExecuteScalarAsync<long>("PRAGMA journal_size_limit")).Should().Be(_dialect.WalSizeLimit);
    }
}

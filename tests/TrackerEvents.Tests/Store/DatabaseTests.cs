using Dapper;
using TrackerEvents.Store;
using TrackerEvents.Tracking;

namespace TrackerEvents.Tests.Store;

/// <summary>The one write path: commit, then wake the feed readers; on failure, roll back and wake nobody.</summary>
public sealed class DatabaseTests : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("trackerevents-database-").FullName;
    private readonly ChangeSignal _signal = new(TimeProvider.System);
    private readonly ChangeHandoff _handoff = new();
    private readonly SqliteDialect _dialect;
    private readonly Database _database;

    public DatabaseTests()
    {
        _dialect = new SqliteDialect($"Data Source={Path.Combine(_directory, "test.db")}", _directory);
        _database = new Database(_dialect, _signal, _handoff, new WrittenStates(TimeProvider.System), new TrackerEvents.Diagnostics.PhaseTimings(TimeProvider.System));
    }

    public async ValueTask DisposeAsync()
    {
        await _dialect.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Write_Commits_ThenWakesTheFeedReaders()
    {
        await CreateTableAsync();
        var next = _signal.Next;
        var wokenDuringWork = true;

        var id = await _database.WriteAsync(async (connection, transaction) =>
        {
            wokenDuringWork = next.IsCompleted;
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "INSERT INTO items (name) VALUES (@Name) RETURNING id", new { Name = "a" }, transaction));
        }, CancellationToken.None);

        wokenDuringWork.Should().BeFalse("nobody is woken before the commit");
        next.IsCompleted.Should().BeTrue("a committed write wakes the readers");
        (await CountAsync()).Should().Be(1);
        id.Should().Be(1);
    }

    [Fact]
    public async Task Write_ThatThrows_IsRolledBack_WakesNobody_AndLeavesTheWriterTurnFree()
    {
        await CreateTableAsync();
        var next = _signal.Next;

        var write = () => _database.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition("INSERT INTO items (name) VALUES ('b')", transaction: transaction));
            throw new StoreConflictException(StoreConflict.LoginInUse, "refused");
        }, CancellationToken.None);

        await write.Should().ThrowAsync<StoreConflictException>();
        next.IsCompleted.Should().BeFalse("nothing was committed");
        (await CountAsync()).Should().Be(0);

        // The failed write gave SQLite's writer turn back: the next write gets it at once.
        await _database.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO items (name) VALUES ('c')", transaction: transaction)), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        next.IsCompleted.Should().BeTrue();
        (await CountAsync()).Should().Be(1);
    }

    [Fact]
    public async Task AWriteThatHandsOverItsChanges_PostsThemAfterTheCommit_AndWakesWithoutAskingForAFeedRead()
    {
        await CreateTableAsync();
        _signal.TakeReadNeeded();
        var next = _signal.Next;
        var postedDuringWork = true;

        await _database.WriteAsync(async (connection, transaction, handed) =>
        {
            await connection.ExecuteAsync(new CommandDefinition("INSERT INTO items (name) VALUES ('d')", transaction: transaction));
            handed.Add(new StateChange(5, 1, 1, 1, false, TrackerState.Initial), "{}"u8.ToArray());
            postedDuringWork = _handoff.TakeAll().Count > 0;
            return true;
        }, CancellationToken.None);

        postedDuringWork.Should().BeFalse("nothing is handed over before the commit");
        next.IsCompleted.Should().BeTrue();
        _signal.TakeReadNeeded().Should().BeFalse("everything the write changed was handed over");
        _handoff.TakeAll().Should().ContainSingle().Which.First.Should().Be(5);
    }

    [Fact]
    public async Task AWriteThatThrows_HandsOverNothing()
    {
        await CreateTableAsync();

        var write = () => _database.WriteAsync<bool>((_, _, handed) =>
        {
            handed.Add(new StateChange(5, 1, 1, 1, false, TrackerState.Initial), "{}"u8.ToArray());
            throw new StoreConflictException(StoreConflict.LoginInUse, "refused");
        }, CancellationToken.None);

        await write.Should().ThrowAsync<StoreConflictException>();
        _handoff.TakeAll().Should().BeEmpty();
    }

    private async Task CreateTableAsync()
    {
        await using var connection = await _dialect.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
    }

    private Task<long> CountAsync() =>
        _database.ReadAsync(connection => connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM items"), CancellationToken.None);
}

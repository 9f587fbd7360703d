using TrackerEvents.Store;

namespace TrackerEvents.Tests.Store;

/// <summary>The engine-dependent statements, as composed from each dialect's fragments (no database needed).</summary>
public sealed class StoreStatementsTests
{
    [Fact]
    public async Task Sqlite_IdListsAreOneJsonArray_AndNoRowIsLocked()
    {
        await using var dialect = new SqliteDialect("Data Source=:memory:", Path.GetTempPath());
        var statements = new StoreStatements(dialect);

        foreach (var (name, sql) in All(statements))
        {
            sql.Should().Contain("IN (SELECT value FROM json_each(@TrackerIds))", name);
            sql.Should().NotContain("ANY(", name);
            sql.Should().NotContain("FOR ", name, "BEGIN IMMEDIATE already keeps every other writer out");
        }

        // No lock, so no sort for the lock's sake either.
        statements.SelectStateVersionsForUpdate.Should().NotContain("ORDER BY");
        statements.SelectLiveTrackersForWrite.Should().NotContain("ORDER BY");
        statements.SelectReadingsForUpdate.Should().NotContain("ORDER BY");
    }

    [Fact]
    public async Task Postgres_IdListsAreOneArray_AndWritersLockRowsInKeyOrder()
    {
        await using var dialect = new PostgresDialect("Host=127.0.0.1;Database=none");
        var statements = new StoreStatements(dialect);

        foreach (var (name, sql) in All(statements))
        {
            sql.Should().Contain("= ANY(@TrackerIds)", name);
            sql.Should().NotContain("json_each", name);
        }

        statements.SelectLiveTrackersForWrite.Should().EndWith("ORDER BY id FOR NO KEY UPDATE");
        statements.SelectStateVersionsForUpdate.Should().EndWith("ORDER BY tracker_id FOR UPDATE");
        statements.SelectReadingsForUpdate.Should().EndWith("ORDER BY tracker_id, kind, item_key FOR UPDATE");
        foreach (var read in new[] { statements.SelectStates, statements.SelectOwnedStates, statements.SelectSnapshot, statements.SelectReadings,
                     statements.SelectUserTrackers })
        {
            read.Should().NotContain("FOR ", "plain reads lock nothing");
        }
    }

    [Fact]
    public async Task UserTrackers_AreTrackerRowsFilteredByOwnerAndIds()
    {
        await using var dialect = new PostgresDialect("Host=127.0.0.1;Database=none");
        new StoreStatements(dialect).SelectUserTrackers.Should()
            .StartWith(StoreStatements.SelectTracker).And.EndWith("WHERE t.user_id = @UserId AND t.id = ANY(@TrackerIds)");
    }

    private static IEnumerable<(string Name, string Sql)> All(StoreStatements statements) =>
    [
        (nameof(statements.SelectStates), statements.SelectStates),
        (nameof(statements.SelectOwnedStates), statements.SelectOwnedStates),
        (nameof(statements.SelectSnapshot), statements.SelectSnapshot),
        (nameof(statements.SelectReadings), statements.SelectReadings),
        (nameof(statements.SelectUserTrackers), statements.SelectUserTrackers),
        (nameof(statements.SelectLiveTrackersForWrite), statements.SelectLiveTrackersForWrite),
        (nameof(statements.SelectStateVersionsForUpdate), statements.SelectStateVersionsForUpdate),
        (nameof(statements.SelectReadingsForUpdate), statements.SelectReadingsForUpdate),
    ];
}

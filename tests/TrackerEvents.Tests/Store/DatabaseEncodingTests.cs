using Dapper;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Store;

/// <summary>
/// States are UTF-8 text, written and read as bytes. A database made by someone else in another encoding is refused
/// at start, naming the encoding, rather than failing the first state with a character outside it (PostgreSQL) or
/// reading UTF-8 bytes as UTF-16 (SQLite); nothing is migrated into it.
/// </summary>
public sealed class DatabaseEncodingTests
{
    [Theory, EngineData(Engine.Sqlite), EngineData(Engine.Postgres)]
    public async Task ADatabaseNotInUtf8_IsRefusedAtStart_NamingItsEncoding(Engine engine)
    {
        var encoding = engine == Engine.Sqlite ? "UTF-16le" : "LATIN1";
        await using var database = await TestDatabase.CreateAsync(engine, encoding);

        var start = () => RunningServer.StartOnAsync(database);

        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should()
            .Contain(engine == Engine.Sqlite ? "UTF-16le" : "LATIN1").And.Contain("UTF-8");
        await using var connection = await database.OpenAsync();
        (await connection.QueryAsync<string>(engine == Engine.Sqlite
            ? "SELECT name FROM sqlite_master WHERE name = 'schema_migrations'"
            : "SELECT table_name FROM information_schema.tables WHERE table_name = 'schema_migrations'"))
            .Should().BeEmpty("nothing was migrated into it");
    }

    [Theory, EngineData(Engine.Sqlite), EngineData(Engine.Postgres)]
    public async Task AUtf8Database_StoresAndReadsBackTextOutsideLatin1(Engine engine)
    {
        await using var server = await RunningServer.StartAsync(engine);
        await server.CreateUserAsync("yuki");
        var (tracker, _) = await server.CreateTrackerAsync("yuki");
        const string Note = "Грузовик 7 — 東京 🚚";

        (await server.IngestStatesAsync(new { tracker_id = tracker, additional = new { note = Note } })).ShouldSucceed();

        var hash = await server.LoginAsync("yuki");
        var answer = await server.CallAsync("tracker/get_state", new { hash, tracker_id = tracker });
        answer["state"].GetProperty("additional").GetProperty("note").GetProperty("value").GetString().Should().Be(Note);
    }
}

using System.Data.Common;
using Dapper;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Devices;

/// <summary>
/// The write path merges a point onto the state it remembers committing, when the tracker's row is still at
/// that version. Whatever else happened to the row in between must win: another program's write, and
/// another program's write that got the very version of a transaction of ours that was rolled back.
/// </summary>
public sealed class RememberedStateTests
{
    [Theory, EngineData(Engine.Sqlite), EngineData(Engine.Postgres)]
    public async Task AnotherProgramsWrite_BetweenTwoPoints_IsMergedOnto(Engine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var fleet = await DeviceFleet.StartOnAsync(database);
        (await fleet.ReportAsync($"id={fleet.DeviceA}&lat=10&lon=20&batt=50")).Status.Should().Be(200);

        await using (var connection = await database.OpenAsync())
        {
            (await SetBatteryAsync(connection, fleet.A, from: 50, to: 77)).Should().Be(1);
        }

        (await fleet.ReportAsync($"id={fleet.DeviceA}&lat=11&lon=21")).Status.Should().Be(200);

        var state = await fleet.StateAsync(fleet.A);
        state.GetProperty("battery_level").GetInt32().Should().Be(77, "the other program's write is what the point was merged onto");
        state.GetProperty("gps").GetProperty("location").GetProperty("lat").GetDouble().Should().Be(11);
    }

    [Theory, EngineData(Engine.Sqlite), EngineData(Engine.Postgres)]
    public async Task AWriteWhoseCommitFailed_IsNotMergedOnto_WhenAnotherProgramTakesItsVersion(Engine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var fleet = await DeviceFleet.StartOnAsync(database);
        (await fleet.ReportAsync($"id={fleet.DeviceA}&lat=10&lon=20&batt=50")).Status.Should().Be(200);
        await using (var connection = await database.OpenAsync())
        {
            await RefuseAtCommitStatesContainingAsync(connection, engine, "boom");
        }

        // Everything of this point's transaction runs, its versions are read; only its commit fails.
        (await fleet.ReportAsync($"id={fleet.DeviceA}&lat=30&lon=40&batt=13&boom=1")).Status.Should().Be(503);
        await using (var connection = await database.OpenAsync())
        {
            await connection.ExecuteAsync(engine == Engine.Sqlite ? "DROP TRIGGER refuse_boom" : "DROP TRIGGER refuse_boom ON tracker_states");
            // On SQLite the rolled-back version is given out again: to this write.
            (await SetBatteryAsync(connection, fleet.A, from: 50, to: 77)).Should().Be(1, "the failed point left the stored state as it was");
        }

        (await fleet.ReportAsync($"id={fleet.DeviceA}&lat=11&lon=21")).Status.Should().Be(200);

        var state = await fleet.StateAsync(fleet.A);
        state.GetProperty("battery_level").GetInt32().Should().Be(77, "the point is merged onto what is stored, not onto the failed write");
        (state.TryGetProperty("additional", out var additional) && additional.TryGetProperty("boom", out _)).Should().BeFalse();
        state.GetProperty("gps").GetProperty("location").GetProperty("lat").GetDouble().Should().Be(11);
    }

    private static Task<int> SetBatteryAsync(DbConnection connection, long trackerId, int from, int to) => connection.ExecuteAsync(
        "UPDATE tracker_states SET state = REPLACE(state, @From, @To) WHERE tracker_id = @Id AND state LIKE @Like",
        new { From = $"\"battery_level\":{from},", To = $"\"battery_level\":{to},", Like = $"%\"battery_level\":{from},%", Id = trackerId });

    /// <summary>A check that only the commit makes: a state written with <paramref name="text"/> in it fails its transaction's commit.</summary>
    private static Task<int> RefuseAtCommitStatesContainingAsync(DbConnection connection, Engine engine, string text) => engine == Engine.Sqlite
        ? connection.ExecuteAsync($"""
            CREATE TABLE refused_parent (id INTEGER PRIMARY KEY);
            CREATE TABLE refused_{text} (parent INTEGER REFERENCES refused_parent (id) DEFERRABLE INITIALLY DEFERRED);
            CREATE TRIGGER refuse_{text} AFTER UPDATE OF state ON tracker_states WHEN NEW.state LIKE '%{text}%'
            BEGIN INSERT INTO refused_{text} (parent) VALUES (1); END;
            """)
        : connection.ExecuteAsync($"""
            CREATE FUNCTION refuse_{text}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.state LIKE '%{text}%' THEN RAISE EXCEPTION 'refused at commit by the test'; END IF;
                RETURN NULL;
            END $$;
            CREATE CONSTRAINT TRIGGER refuse_{text} AFTER UPDATE ON tracker_states DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW EXECUTE FUNCTION refuse_{text}();
            """);
}

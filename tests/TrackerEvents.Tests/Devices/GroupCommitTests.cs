using System.Data.Common;
using System.Text.Json;
using Dapper;
using TrackerEvents.Devices;
using TrackerEvents.Store;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Devices;

/// <summary>
/// Concurrent single writes (device points, one-state ingest calls) share transactions: each is answered
/// only once committed, everything acknowledged survives a restart, and a failed commit fails every
/// request in it with nothing of it stored.
/// </summary>
public sealed class GroupCommitTests
{
    [Theory, EngineData(Engine.Sqlite), EngineData(Engine.Postgres)]
    public async Task ConcurrentPointsAndSingleIngests_AreAllAcknowledged_AndAllThereAfterARestart(Engine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        const int Devices = 20, PointsEach = 10, Ingests = 50;
        var start = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds();
        List<(long Id, string Device)> phones;
        long ingested;
        await using (var fleet = await DeviceFleet.StartOnAsync(database, null, "Devices:DeviceRateLimit=1000", "Api:AddressRateLimit=1000"))
        {
            phones = await PhonesAsync(fleet, Devices);

            ingested = phones[0].Id;
            var points = phones.SelectMany(p => Enumerable.Range(1, PointsEach).Select(n =>
                fleet.Server.Devices!.GetAsync($"/?id={p.Device}&lat=52.{n:D2}&lon=4.9&timestamp={start + n}&seq={n}")));
            var ingests = Enumerable.Range(1, Ingests).Select(k =>
                fleet.Server.IngestStatesAsync(new { tracker_id = ingested, additional = new Dictionary<string, string> { [$"k{k}"] = "v" } }));

            var answers = await Task.WhenAll(points).WaitAsync(TimeSpan.FromSeconds(60));
            var ingestAnswers = await Task.WhenAll(ingests).WaitAsync(TimeSpan.FromSeconds(60));

            answers.Should().AllSatisfy(a => ((int)a.StatusCode).Should().Be(200));
            ingestAnswers.Should().AllSatisfy(a => a.ShouldSucceed());
            var group = fleet.Server.Service<StateStore>().Group;
            group.Items.Should().BeGreaterThanOrEqualTo(Devices * PointsEach + Ingests);
            group.Commits.Should().BeLessThan(group.Items, "concurrent single writes shared transactions");
            fleet.Server.Service<DeviceDirectory>().Lookups.Should().BeLessThanOrEqualTo(Devices,
                "a device's points that arrive together wait for one look-up of its tracker, not a database connection each");
        }

        await using var restarted = await RunningServer.StartOnAsync(database);
        var hash = await restarted.LoginAsync("phones");
        foreach (var (id, _) in phones)
        {
            var state = (await restarted.CallAsync("tracker/get_state", new { hash, tracker_id = id })).ShouldSucceed()["state"];
            state.GetProperty("additional").GetProperty("seq").GetProperty("value").GetString().Should().Be($"{PointsEach}", "the newest point is the state");
            state.GetProperty("gps").GetProperty("location").GetProperty("lat").GetDouble().Should().Be(52.10);
        }

        var additional = (await restarted.CallAsync("tracker/get_state", new { hash, tracker_id = ingested })).ShouldSucceed()["state"].GetProperty("additional");
        Enumerable.Range(1, Ingests).Should().AllSatisfy(k => additional.TryGetProperty($"k{k}", out _).Should().BeTrue($"ingest k{k} was acknowledged"));
    }

    [Theory, EngineData(Engine.Sqlite), EngineData(Engine.Postgres)]
    public async Task AFailedCommit_FailsEveryRequestInIt_AndStoresNoneOfThem(Engine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        // The group waits 300 ms for company, so the concurrent points below share the transaction that fails:
        // point 5 carries additional.boom, which the test's trigger refuses in any state written.
        await using var fleet = await DeviceFleet.StartOnAsync(database, null, "Store:GroupCommitDelay=00:00:00.300");
        var phones = await PhonesAsync(fleet, 8);
        await using (var connection = await database.OpenAsync())
        {
            await RefuseStatesContainingAsync(connection, engine, "boom");
        }

        var answers = await Task.WhenAll(phones.Select((p, i) => fleet.Server.Devices!.GetAsync($"/?id={p.Device}&lat=40&lon=3{(i == 5 ? "&boom=1" : "")}")))
            .WaitAsync(TimeSpan.FromSeconds(30));

        ((int)answers[5].StatusCode).Should().Be(503);
        (await answers[5].Content.ReadAsStringAsync()).Should().Be("the point could not be stored; send it again\n");
        answers.Count(a => (int)a.StatusCode == 503).Should().BeGreaterThan(1, "the points that shared the failed transaction failed with it");
        for (var i = 0; i < answers.Length; i++)
        {
            var location = (await fleet.StateAsync(phones[i].Id)).GetProperty("gps").GetProperty("location");
            location.ValueKind.Should().Be((int)answers[i].StatusCode == 200 ? JsonValueKind.Object : JsonValueKind.Null, $"point {i} is stored if and only if it was acknowledged");
        }

        (await fleet.ReportAsync($"id={phones[0].Device}&lat=41&lon=3")).Status.Should().Be(200, "the next group commits again");
    }

    [Theory, EngineData(Engine.Sqlite), EngineData(Engine.Postgres)]
    public async Task ATrackerWhoseStateRowAnotherProgramNeverWrote_GetsOne(Engine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var fleet = await DeviceFleet.StartOnAsync(database);
        await using (var connection = await database.OpenAsync())
        {
            await connection.ExecuteAsync("DELETE FROM tracker_states WHERE tracker_id IN (@A, @B)", new { fleet.A, fleet.B });
        }

        (await fleet.ReportAsync($"id={fleet.DeviceA}&lat=10&lon=20")).Status.Should().Be(200);
        (await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.B, gps = new { speed = 7 } })).ShouldSucceed();

        (await fleet.StateAsync(fleet.A)).GetProperty("gps").GetProperty("location").GetProperty("lng").GetDouble().Should().Be(20);
        (await fleet.StateAsync(fleet.B)).GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(7);
    }

    /// <summary>The fleet's two trackers and more of the user's, up to <paramref name="count"/>, each with its device id.</summary>
    private static async Task<List<(long Id, string Device)>> PhonesAsync(DeviceFleet fleet, int count)
    {
        List<(long Id, string Device)> phones = [(fleet.A, fleet.DeviceA), (fleet.B, fleet.DeviceB)];
        for (var i = phones.Count; i < count; i++)
        {
            var deviceId = RunningServer.NewDeviceId();
            var created = (await fleet.Server.AdminAsync("/admin/trackers", new { login = "phones", label = $"P{i}", device_id = deviceId, model = "osmand" })).ShouldSucceed();
            phones.Add((created["id"].GetInt64(), deviceId));
        }

        return phones;
    }

    private static Task<int> RefuseStatesContainingAsync(DbConnection connection, Engine engine, string text) => engine == Engine.Sqlite
        ? connection.ExecuteAsync($"""
            CREATE TRIGGER refuse_{text} BEFORE UPDATE OF state ON tracker_states WHEN NEW.state LIKE '%{text}%'
            BEGIN SELECT RAISE(ABORT, 'refused by the test'); END
            """)
        : connection.ExecuteAsync($"""
            CREATE FUNCTION refuse_{text}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.state LIKE '%{text}%' THEN RAISE EXCEPTION 'refused by the test'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_{text} BEFORE UPDATE OF state ON tracker_states FOR EACH ROW EXECUTE FUNCTION refuse_{text}();
            """);
}

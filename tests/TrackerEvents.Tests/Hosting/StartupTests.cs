using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using TrackerEvents.Hosting;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Hosting;

public sealed class StartupTests
{
    [Theory]
    [InlineData("Sessions:Lifetime=-00:00:01", "Lifetime")]
    [InlineData("Store:Provider=Oracle", "Store:Provider")]
    [InlineData("Api:RateLimit=0", "RateLimit")]
    [InlineData("Admin:ApiKey=short", "Admin:ApiKey")]
    [InlineData("Demo:TimeZone=Nowhere/Land", "Demo:TimeZone")]
    [InlineData("Api:BasePath=v2 with spaces", "Api:BasePath")]
    [InlineData("Devices:SpeedUnit=furlongs", "Devices:SpeedUnit")]
    [InlineData("Devices:IdleAfter=00:30:00", "Devices:IdleAfter must be shorter than Devices:OfflineAfter")]
    [InlineData("Devices:Urls=5055", "Devices:Urls")]
    [InlineData("Devices:Urls=https://0.0.0.0:5055", "Devices:Urls")]
    [InlineData("Admin:Urls=http://admin.example.com:9000", "Admin:Urls")]
    [InlineData("Demo:SimulatorProtocol=carrier-pigeon", "Demo:SimulatorProtocol")]
    [InlineData("Api:AllowedOrigins:0=https://fleet.example.com/monitor", "Api:AllowedOrigins")]
    [InlineData("Api:AllowedOrigins:0=fleet.example.com", "Api:AllowedOrigins")]
    [InlineData("Page:TileUrl=ftp://tiles.example.com/{z}/{x}/{y}.png", "Page:TileUrl")]
    [InlineData("Page:TileUrl=https://tiles.example.com/tile.png", "Page:TileUrl")]
    [InlineData("Page:TileUrl=/tiles/{z}/{x}/{y}.png", "Page:TileUrl")]
    [InlineData("Page:TileMaxZoom=30", "TileMaxZoom")]
    public async Task ABadSetting_StopsStartUp_WithAMessageNamingIt(string setting, string named)
    {
        var directory = Path.Combine(Path.GetTempPath(), "trackerevents-tests", Guid.NewGuid().ToString("N"));

        var start = async () =>
        {
            await using var app = RunningServer.Build(directory, null, setting);
            await TrackerEventsApp.StartAsync(app, CancellationToken.None);
        };

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain(named);
    }

    [Fact]
    public async Task EmptyStore_IsSeededWithTheDemo_WhoseTrackersAllMoveWithinFiveSeconds()
    {
        await using var server = await RunningServer.StartAsync("Demo:Enabled=true", "Demo:Simulator=true");
        var hash = await server.LoginAsync("demo", "demo");
        var trackers = (await server.CallAsync("tracker/list", new { hash })).ShouldSucceed()["list"]
            .EnumerateArray().Select(t => t.GetProperty("id").GetInt64()).ToHashSet();
        trackers.Should().HaveCount(20);
        var after = await server.CurrentVersionAsync();

        var moved = new HashSet<long>();
        await Eventually.Until(async () =>
        {
            foreach (var change in await server.ChangesAfterAsync(after))
            {
                if (change.GetProperty("type").GetString() == "state")
                {
                    moved.Add(change.GetProperty("tracker_id").GetInt64());
                }
            }

            return moved.SetEquals(trackers);
        }, TimeSpan.FromSeconds(5.5), "every demo tracker's state to change");

        var state = (await server.CallAsync("tracker/get_state", new { hash, tracker_id = trackers.First(), iso_datetime = true })).ShouldSucceed()["state"];
        state.GetProperty("gps").GetProperty("location").GetProperty("lat").GetDouble().Should().BeInRange(52.2, 52.5, "the demo drives around Amsterdam");
        state.GetProperty("last_update").GetString().Should().MatchRegex(@"\+0[12]:00$", "the demo user lives in Europe/Amsterdam");
    }

    [Fact]
    public async Task InTheDemo_EachVehiclesIgnition_AgreesWithItsVirtualIgnitionReading()
    {
        await using var server = await RunningServer.StartAsync("Demo:Enabled=true", "Demo:Simulator=true", "Demo:SimulatorInterval=00:00:02",
            "Api:AddressRateLimit=100000", "Api:RateLimit=100000"); // the probe below calls as fast as it can
        var hash = await server.LoginAsync("demo", "demo");
        var ids = (await server.CallAsync("tracker/list", new { hash })).ShouldSucceed()["list"].EnumerateArray().Select(t => t.GetProperty("id").GetInt64()).ToArray();

        // Between two ticks (each writes the states, then the readings) every vehicle must agree; some are moving.
        await Eventually.Until(async () =>
        {
            var states = (await server.CallAsync("tracker/get_states", new { hash, trackers = ids })).ShouldSucceed()["states"];
            var readings = (await server.CallAsync("tracker/readings/batch_list", new { hash, trackers = ids, sensor_type = "virtual_ignition" }))
                .ShouldSucceed()["result"];
            var anyOn = false;
            foreach (var id in ids.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                var ignition = states.GetProperty(id).GetProperty("ignition").GetBoolean();
                var sensor = readings.GetProperty(id).GetProperty("virtual_sensors").EnumerateArray().Single().GetProperty("value").GetString();
                if (sensor != (ignition ? "on" : "off"))
                {
                    return false;
                }

                anyOn |= ignition;
            }

            return anyOn;
        }, TimeSpan.FromSeconds(15), "moving demo vehicles whose virtual ignition agrees with their state");
    }

    [Fact]
    public async Task WithoutAConfiguredKey_TheEmbeddedStoreGeneratesOne_AndKeepsItAcrossRestarts()
    {
        var directory = Path.Combine(Path.GetTempPath(), "trackerevents-tests", Guid.NewGuid().ToString("N"));
        string first;
        await using (var app = RunningServer.Build(directory, null, "Admin:ApiKey="))
        {
            await TrackerEventsApp.StartAsync(app, CancellationToken.None);
            first = app.Services.GetService(typeof(TrackerEvents.Admin.AdminKey)) is TrackerEvents.Admin.AdminKey key ? key.Value : "";
            await app.StopAsync();
        }

        await using (var again = RunningServer.Build(directory, null, "Admin:ApiKey="))
        {
            await TrackerEventsApp.StartAsync(again, CancellationToken.None);
            var key = (TrackerEvents.Admin.AdminKey)again.Services.GetService(typeof(TrackerEvents.Admin.AdminKey))!;
            key.Value.Should().MatchRegex("^[0-9a-f]{32}$").And.Be(first);
            key.Generated.Should().BeTrue();
            await again.StopAsync();
        }
    }

    [Fact]
    public async Task HealthEndpoints_AnswerLiveAndReady()
    {
        await using var server = await RunningServer.StartAsync();

        (await server.Http.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
        var ready = await server.Http.GetAsync("/health/ready");
        ready.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ready.Content.ReadAsStringAsync()).Should().Be("Healthy");
    }

    [Fact]
    public async Task Migrations_AreAppliedOnce_AndRecorded()
    {
        var directory = Path.Combine(Path.GetTempPath(), "trackerevents-tests", Guid.NewGuid().ToString("N"));
        for (var run = 0; run < 2; run++)
        {
            await using var app = RunningServer.Build(directory, null);
            await TrackerEventsApp.StartAsync(app, CancellationToken.None);
            await app.StopAsync();
        }

        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(directory, "trackerevents.db")}");
        var rows = (await Dapper.SqlMapper.QueryAsync<(long Id, string Name)>(db, "SELECT id, name FROM schema_migrations ORDER BY id")).ToList();
        rows.Should().NotBeEmpty();
        rows[0].Should().Be((1L, "initial"));
        rows.Select(r => r.Id).Should().OnlyHaveUniqueItems();
        JsonSerializer.Serialize(rows.Count).Should().Be(TrackerEvents.Store.Migrator.LoadScripts("sqlite").Count.ToString());
    }

    [Fact]
    public async Task SettingsFiles_AreReadAtStart_AndTheirFolderIsNotWatched()
    {
        // Watching appsettings.json watches the whole content root, where the SQLite store writes.
        var directory = Path.Combine(Path.GetTempPath(), "trackerevents-tests", Guid.NewGuid().ToString("N"));
        await using var app = RunningServer.Build(directory, null);

        var files = ((Microsoft.Extensions.Configuration.IConfigurationRoot)app.Configuration).Providers.OfType<Microsoft.Extensions.Configuration.FileConfigurationProvider>().ToList();

        files.Should().NotBeEmpty();
        files.Should().OnlyContain(f => !f.Source.ReloadOnChange);
    }
}

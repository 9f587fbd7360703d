using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TrackerEvents.Diagnostics;
using TrackerEvents.Store;
using TrackerEvents.Tracking;

namespace TrackerEvents.Demo;

/// <summary>Fills an empty store with the demo user and trackers, placed around Amsterdam with a first state and readings.</summary>
internal sealed partial class DemoSeeder(
    IStoreDialect dialect, UserStore userStore, TrackerStore trackerStore, StateStore stateStore, ReadingStore readingStore,
    PasswordHasher<UserRow> hasher, IOptions<DemoOptions> options, ILogger<DemoSeeder> logger)
{
    public const double CenterLat = 52.3676;
    public const double CenterLng = 4.9041;
    private static readonly string[] Models = ["telfmb920", "teltonika_fmc130", "queclink_gv300"];

    /// <summary>Seeds when demo seeding is on and the store has no demo user yet; true if it did.</summary>
    public async Task<bool> SeedAsync(CancellationToken cancellationToken)
    {
        var demo = options.Value;
        // The demo belongs to the embedded store: on a shared PostgreSQL database every node would race to
        // seed it, and a real user who happens to be called "demo" would get vehicles.
        if (!demo.Enabled || dialect is not SqliteDialect || await userStore.FindUserAsync(demo.Login, cancellationToken) is not null)
        {
            return false;
        }

        var userId = await userStore.CreateUserAsync(demo.Login, hasher.HashPassword(new UserRow(), demo.Password), demo.TimeZone, cancellationToken);
        var states = new List<StateUpdate>();
        var readings = new List<ReadingsUpdate>();
        var random = new Random(1);
        for (var i = 1; i <= demo.Trackers; i++)
        {
            var number = i.ToString("D2", CultureInfo.InvariantCulture);
            var (id, _) = await trackerStore.CreateTrackerAsync(new NewTracker(userId, $"Demo vehicle {number}",
                $"demo-{i.ToString("D6", CultureInfo.InvariantCulture)}", Models[i % Models.Length], 0, $"+3161000{number}", null), cancellationToken);
            var lat = CenterLat + (random.NextDouble() - 0.5) * 0.1;
            var lng = CenterLng + (random.NextDouble() - 0.5) * 0.15;
            states.Add(new StateUpdate(id, Json(w =>
            {
                w.WriteStartObject("gps");
                w.WriteNumber("signal_level", 100);
                w.WriteStartObject("location");
                w.WriteNumber("lat", Math.Round(lat, 6));
                w.WriteNumber("lng", Math.Round(lng, 6));
                w.WriteEndObject();
                w.WriteNumber("heading", random.Next(360));
                w.WriteNumber("speed", 0);
                w.WriteNumber("alt", 2);
                w.WriteEndObject();
                w.WriteString("connection_status", "active");
                w.WriteString("movement_status", "parked");
                w.WriteBoolean("ignition", false);
                w.WriteStartObject("gsm");
                w.WriteNumber("signal_level", 80);
                w.WriteString("network_name", "KPN");
                w.WriteBoolean("roaming", false);
                w.WriteEndObject();
                w.WriteNumber("battery_level", 95);
                w.WriteStartArray("inputs");
                w.WriteBooleanValue(false);
                w.WriteBooleanValue(false);
                w.WriteEndArray();
                w.WriteStartArray("outputs");
                w.WriteBooleanValue(false);
                w.WriteEndArray();
            })));
            readings.Add(new ReadingsUpdate(id, DemoReadings.Initial(id)));
        }

        await stateStore.IngestStatesAsync(states, cancellationToken);
        await readingStore.IngestReadingsAsync(readings, cancellationToken);
        LogSeeded(logger, demo.Login, demo.Trackers);
        return true;
    }

    /// <summary>Builds a JSON object from writer calls, as an element that outlives its document.</summary>
    public static JsonElement Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.Options))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    [LoggerMessage(EventId = LogEvents.DemoSeeded, Level = LogLevel.Information, Message = "Seeded demo user {Login} with {Trackers} trackers")]
    private static partial void LogSeeded(ILogger logger, string login, int trackers);
}

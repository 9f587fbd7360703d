using System.Globalization;
using Microsoft.Extensions.Options;
using TrackerEvents.Devices;
using TrackerEvents.Diagnostics;
using TrackerEvents.Store;
using TrackerEvents.Tracking;

namespace TrackerEvents.Demo;

/// <summary>
/// Drives the demo user's vehicles around Amsterdam: through the device listener as phones would
/// (<see cref="DemoOptions.SimulatorProtocol"/> <c>osmand</c>), or through the same store path as the ingest
/// API (<c>store</c>, and whenever the device listener is off). Each tick moves a quarter of the vehicles,
/// so every vehicle's state changes every 4 ticks (4 s by default).
/// </summary>
internal sealed partial class Simulator(
    IStoreDialect dialect, UserStore userStore, TrackerStore trackerStore, StateStore stateStore, ReadingStore readingStore,
    DeviceListener devices, IOptions<DevicesOptions> devicesOptions, IHostApplicationLifetime lifetime,
    IOptions<DemoOptions> options, TimeProvider time, ILogger<Simulator> logger)
    : BackgroundService
{
    private sealed class Vehicle(long id, string deviceId, double lat, double lng, int heading)
    {
        public long Id { get; } = id;
        public string DeviceId { get; } = deviceId;
        public double Lat { get; set; } = lat;
        public double Lng { get; set; } = lng;
        public int Heading { get; set; } = heading;
        public double Fuel { get; set; } = 80;
        public double Odometer { get; set; }
        public bool Parked { get; set; } = true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var demo = options.Value;
        // Embedded store only, like the seed: on a shared database every node would move the same vehicles.
        if (!demo.Simulator || dialect is not SqliteDialect || await userStore.FindUserAsync(demo.Login, stoppingToken) is not { } user)
        {
            return;
        }

        var trackers = await trackerStore.ListTrackersAsync(user.Id, stoppingToken);
        var states = await stateStore.GetStatesAsync(trackers.Select(t => t.Id).ToList(), user.Id, stoppingToken);
        var random = new Random();
        var vehicles = trackers.Select(t => states.GetValueOrDefault(t.Id)?.Gps is { Location: { } at } gps
                ? new Vehicle(t.Id, t.DeviceId, at.Lat, at.Lng, gps.Heading)
                : new Vehicle(t.Id, t.DeviceId, DemoSeeder.CenterLat, DemoSeeder.CenterLng, random.Next(360)))
            .ToList();

        // The device listener's port is known once the server has started.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(started.SetResult))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        using var reporter = demo.SimulatorProtocol == "osmand" && devices.LocalAddress is { } listener
            ? new OsmAndReporter(listener, devicesOptions.Value.SpeedFactor)
            : null;
        LogStarted(logger, vehicles.Count, demo.Login, reporter is null ? "the store" : "the device listener (OsmAnd)");

        using var timer = new PeriodicTimer(demo.SimulatorInterval, time);
        var tick = 0L;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            tick++;
            var moving = vehicles.Where((_, i) => i % 4 == tick % 4).ToList();
            try
            {
                var steps = moving.Select(v => Move(v, random)).ToList();
                if (reporter is null)
                {
                    await stateStore.IngestStatesAsync(moving.Select((v, i) => new StateUpdate(v.Id, Patch(steps[i]))).ToList(), stoppingToken);
                }
                else
                {
                    var now = time.GetUtcNow();
                    foreach (var refused in await Task.WhenAll(moving.Select((v, i) => reporter.ReportAsync(v.DeviceId, steps[i], now, stoppingToken))))
                    {
                        if (refused is not null)
                        {
                            LogRefused(logger, refused);
                        }
                    }
                }

                await readingStore.IngestReadingsAsync(moving.Select(v => new ReadingsUpdate(v.Id, Readings(v, random))).ToList(), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e); // the store may be briefly unavailable; the next tick tries again
            }
        }
    }

    private static VehicleStep Move(Vehicle v, Random random)
    {
        var parked = v.Parked = random.NextDouble() < 0.1;
        var speed = parked ? 0 : 20 + random.Next(60);
        v.Heading = (v.Heading + random.Next(-30, 31) + 360) % 360;
        var km = speed * 4 / 3600.0;
        v.Lat += km / 111.0 * Math.Cos(v.Heading * Math.PI / 180);
        v.Lng += km / (111.0 * Math.Cos(v.Lat * Math.PI / 180)) * Math.Sin(v.Heading * Math.PI / 180);
        // Keep the fleet within ~10 km of the centre.
        if (Math.Abs(v.Lat - DemoSeeder.CenterLat) > 0.09 || Math.Abs(v.Lng - DemoSeeder.CenterLng) > 0.14)
        {
            v.Heading = (v.Heading + 180) % 360;
        }

        v.Odometer += km;
        v.Fuel = v.Fuel < 10 ? 80 : v.Fuel - km * 0.08;
        return new VehicleStep(Math.Round(v.Lat, 6), Math.Round(v.Lng, 6), v.Heading, speed, parked);
    }

    /// <summary>The step as an ingest state update (the store path).</summary>
    private static System.Text.Json.JsonElement Patch(VehicleStep step) => DemoSeeder.Json(w =>
    {
        w.WriteStartObject("gps");
        w.WriteStartObject("location");
        w.WriteNumber("lat", step.Lat);
        w.WriteNumber("lng", step.Lng);
        w.WriteEndObject();
        w.WriteNumber("heading", step.Heading);
        w.WriteNumber("speed", step.Speed);
        w.WriteEndObject();
        w.WriteString("movement_status", step.Parked ? "parked" : "moving");
        w.WriteBoolean("ignition", !step.Parked);
        w.WriteString("connection_status", "active");
        w.WriteStartObject("additional");
        w.WriteString("moving", step.Parked ? "0" : "1");
        w.WriteEndObject();
    });

    /// <summary>The vehicle's sensors after <see cref="Move"/>: the virtual ignition says what the state's <c>ignition</c> says.</summary>
    private static IReadOnlyList<ReadingUpdate> Readings(Vehicle v, Random random) =>
    [
        ReadingValue(ReadingKind.Input, 1000 + v.Id * 10, Math.Round(v.Fuel, 1)),
        ReadingValue(ReadingKind.Input, 1001 + v.Id * 10, Math.Round(20 + random.NextDouble() * 3, 1)),
        DemoReadings.Item(ReadingKind.VirtualSensor, DemoReadings.IgnitionSensorId(v.Id).ToString(CultureInfo.InvariantCulture), w =>
        {
            w.WriteNumber("sensor_id", DemoReadings.IgnitionSensorId(v.Id));
            w.WriteString("value", DemoReadings.IgnitionValue(!v.Parked));
        }),
        DemoReadings.Item(ReadingKind.Counter, "odometer", w => w.WriteNumber("value", Math.Round(12000 + v.Id % 100 * 100 + v.Odometer, 2)),
            "type", "odometer"),
    ];

    private static ReadingUpdate ReadingValue(ReadingKind kind, long sensorId, double value) =>
        DemoReadings.Item(kind, sensorId.ToString(CultureInfo.InvariantCulture), w =>
        {
            w.WriteNumber("sensor_id", sensorId);
            w.WriteNumber("value", value);
        });

    [LoggerMessage(EventId = LogEvents.SimulatorStarted, Level = LogLevel.Information, Message = "Simulator moving {Vehicles} vehicles of {Login} through {Path}")]
    private static partial void LogStarted(ILogger logger, int vehicles, string login, string path);

    [LoggerMessage(EventId = LogEvents.SimulatorPointRefused, Level = LogLevel.Warning, Message = "Simulator point refused by the device listener: {Answer}")]
    private static partial void LogRefused(ILogger logger, string answer);

    [LoggerMessage(EventId = LogEvents.SimulatorTickFailed, Level = LogLevel.Warning, Message = "Simulator tick failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

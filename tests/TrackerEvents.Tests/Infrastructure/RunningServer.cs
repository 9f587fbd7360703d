using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TrackerEvents.Devices;
using TrackerEvents.Dispatch;
using TrackerEvents.Hosting;
using TrackerEvents.Store;

namespace TrackerEvents.Tests.Infrastructure;

/// <summary>
/// The real server, started in this process on a free loopback port with its own temporary SQLite
/// file. Settings are configuration keys (<c>"Api:RateLimit=5"</c>), passed as on the command line.
/// </summary>
internal sealed class RunningServer : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key-0123456789abcdef";

    private RunningServer(WebApplication app, Uri baseAddress, string directory, ManualClock? clock)
    {
        App = app;
        BaseAddress = baseAddress;
        Directory = directory;
        Clock = clock;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (app.Services.GetRequiredService<DeviceListener>().LocalAddress is { } devices)
        {
            DeviceAddress = devices;
            Devices = new HttpClient { BaseAddress = devices, Timeout = TimeSpan.FromSeconds(30) };
        }
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public string Directory { get; }

    public ManualClock? Clock { get; }

    public HttpClient Http { get; }

    /// <summary>The device listener (its own free loopback port), unless the test turned it off.</summary>
    public Uri? DeviceAddress { get; }

    /// <summary>A client of the device listener.</summary>
    public HttpClient? Devices { get; }

    public string DatabasePath => Path.Combine(Directory, "trackerevents.db");

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>The store, when the server was started on one by engine (null: the default SQLite file in <see cref="Directory"/>).</summary>
    public TestDatabase? Database { get; private set; }

    private bool OwnsDatabase { get; set; }

    /// <summary>Starts a server on a fresh store of the given engine, dropped when the server is disposed.</summary>
    public static async Task<RunningServer> StartAsync(Engine engine, params string[] settings)
    {
        var database = await TestDatabase.CreateAsync(engine);
        try
        {
            var server = await StartOnAsync(database, settings);
            server.OwnsDatabase = true;
            return server;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a server on an existing store, which may be shared with other servers; the caller disposes it.</summary>
    public static Task<RunningServer> StartOnAsync(TestDatabase database, params string[] settings) => StartOnAsync(database, null, settings);

    /// <summary>Starts a server on an existing store with the given clock (several servers may share one).</summary>
    public static async Task<RunningServer> StartOnAsync(TestDatabase database, ManualClock? clock, params string[] settings)
    {
        var server = await StartAsync(clock, [.. database.Settings, .. settings]);
        server.Database = database;
        return server;
    }

    public static Task<RunningServer> StartAsync(params string[] settings) => StartAsync(null, settings);

    public static async Task<RunningServer> StartAsync(ManualClock? clock, params string[] settings)
    {
        var directory = Path.Combine(Path.GetTempPath(), "trackerevents-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var app = Build(directory, clock, settings);
        try
        {
            await TrackerEventsApp.StartAsync(app, CancellationToken.None);

            // On PostgreSQL the change listener connects in the background: a test that counts feed reads, or
            // writes through another node, starts once it listens (its first announcement then lies behind it).
            if (app.Services.GetService<PostgresChangeListener>() is { } listener)
            {
                await Eventually.Until(() => Task.FromResult(listener.Listening), TimeSpan.FromSeconds(30), "the change listener to listen");
            }

            // So does the dispatcher's first read of the feed, which it makes once on starting: a test that counts
            // reads from a baseline would otherwise count it when the machine is slow to schedule it.
            var dispatcher = app.Services.GetRequiredService<ChangeDispatcher>();
            await Eventually.Until(() => Task.FromResult(dispatcher.FeedReads > 0), TimeSpan.FromSeconds(30), "the dispatcher's first read");
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningServer(app, new Uri(address), directory, clock);
    }

    /// <summary>Builds (without starting) a server with the test defaults and the given settings.</summary>
    public static WebApplication Build(string directory, ManualClock? clock, params string[] settings)
    {
        string[] defaults =
        [
            "urls=http://127.0.0.1:0",
            "Devices:Urls=http://127.0.0.1:0",
            $"ConnectionStrings:Tracker=Data Source={Path.Combine(directory, "trackerevents.db")}",
            "Demo:Enabled=false",
            "Demo:Simulator=false",
            $"Admin:ApiKey={AdminKey}",
            $"Logging:Directory={Path.Combine(directory, "logs")}",
            "Logging:LogLevel:Default=Warning",
            "Logging:LogLevel:TrackerEvents=Information",
        ];
        var args = defaults.Concat(settings).Select(s => "--" + s).ToArray();
        return TrackerEventsApp.Build(args, services =>
        {
            if (clock is not null)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(clock);
            }
        });
    }

    public static string NewDeviceId() => "dev-" + Guid.NewGuid().ToString("N")[..24];

    /// <summary>Calls an API method with a JSON body.</summary>
    public async Task<ApiAnswer> CallAsync(string method, object body) =>
        await ApiAnswer.ReadAsync(await Http.PostAsJsonAsync("/v2/" + method, body));

    public async Task<ApiAnswer> AdminAsync(string path, object body, string? key = AdminKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return await ApiAnswer.ReadAsync(await Http.SendAsync(request));
    }

    public async Task<long> CreateUserAsync(string login, string? password = "secret-password", string timeZone = "UTC") =>
        (await AdminAsync("/admin/users", new { login, password, time_zone = timeZone })).ShouldSucceed()["id"].GetInt64();

    public async Task<string> LoginAsync(string login, string password = "secret-password") =>
        (await CallAsync("user/auth", new { login, password })).ShouldSucceed()["hash"].GetString()!;

    public async Task<string> CreateApiKeyAsync(string login) =>
        (await AdminAsync("/admin/api_keys", new { login, title = "test" })).ShouldSucceed()["hash"].GetString()!;

    public async Task<(long Id, long SourceId)> CreateTrackerAsync(string login, string label = "Truck")
    {
        var answer = (await AdminAsync("/admin/trackers", new { login, label, device_id = NewDeviceId(), model = "telfmb920" })).ShouldSucceed();
        return (answer["id"].GetInt64(), answer["source_id"].GetInt64());
    }

    public async Task<ApiAnswer> IngestStatesAsync(params object[] states) => await AdminAsync("/ingest/states", new { states });

    public async Task<long> CurrentVersionAsync() =>
        (await ApiAnswer.ReadAsync(await AdminGetAsync("/admin/changes?after=0&limit=1")))["current_version"].GetInt64();

    public async Task<JsonElement[]> ChangesAfterAsync(long after, int limit = 10_000) =>
        [.. (await ApiAnswer.ReadAsync(await AdminGetAsync($"/admin/changes?after={after}&limit={limit}"))).ShouldSucceed()["changes"].EnumerateArray()];

    private Task<HttpResponseMessage> AdminGetAsync(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", AdminKey);
        return Http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Devices?.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (OwnsDatabase)
        {
            await Database!.DisposeAsync();
        }

        try
        {
            // TRACKEREVENTS_TEST_KEEP_LOGS=1 keeps each server's folder (logs included) for a post-mortem.
            if (Environment.GetEnvironmentVariable("TRACKEREVENTS_TEST_KEEP_LOGS") != "1")
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // a log file still being flushed; the temp folder is cleaned up by the OS eventually
        }
    }
}

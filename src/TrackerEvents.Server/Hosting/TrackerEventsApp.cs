using TrackerEvents.Admin;
using TrackerEvents.Api;
using TrackerEvents.Auth;
using TrackerEvents.Connections;
using TrackerEvents.Demo;
using TrackerEvents.Devices;
using TrackerEvents.Dispatch;
using TrackerEvents.Page;
using TrackerEvents.Store;

namespace TrackerEvents.Hosting;

/// <summary>
/// The server, feature by feature: each line below is one feature, composed in its own folder. Shared by
/// <c>Program</c> and the tests, which run the real thing on a free port.
/// </summary>
internal static class TrackerEventsApp
{
    /// <param name="args">Command line: any configuration key as <c>--Section:Key=value</c>.</param>
    /// <param name="configureServices">Replaces services after ours are added (the tests swap the clock).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        // Settings are read once, at start. Watching appsettings.json for changes watches the whole content root,
        // where the SQLite store lives (data/): every write of a commit woke the watcher, ~5,000 file events a
        // second at 2,000 changes/s. A later --hostBuilder:reloadConfigOnChange=true still turns it back on.
        var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
        builder.AddTrackerEventsLogging();                                       // NLog, from config/NLog.config
        var listeners = Listeners.From(builder.Configuration);                   // Urls, Admin:Urls for the admin API, Devices:Urls
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            builder.Configuration.GetSection("Kestrel:Limits").Bind(kestrel.Limits); // timeouts and sizes, the device listener's too
            listeners.Configure(kestrel);
        });
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, "");           // the listeners bind every address
        builder.Services.AddSingleton(listeners);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddStore(builder.Configuration, builder.Environment);   // Store/: SQLite or PostgreSQL, the change feed
        builder.Services.AddAuth();                                              // Auth/: sessions, API keys, logins
        builder.Services.AddNavixyApi();                                         // Api/: the Navixy HTTP API
        builder.Services.AddAtmosphere();                                        // Connections/: the event endpoint, its clients and streams
        builder.Services.AddAdmin();                                             // Admin/: the admin and ingest API
        builder.Services.AddDevices(builder.Configuration,                       // Devices/: the device listener (OsmAnd, Traccar Client),
            () => listeners.Addresses(Listeners.Devices));                       // connection status
        builder.Services.AddDemo();                                              // Demo/: the demo account and simulator
        builder.Services.AddPage();                                              // Page/: the monitoring page at /
        builder.Services.AddOperations();                                        // Hosting/: proxies, banner, health, metrics
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        var basePath = app.Setting<ApiOptions>().BasePath;
        app.UseForwardedHeaders();                                               // Hosting:KnownProxies (AddOperations)
        app.UseListeners();
        app.MapAtmosphere(basePath);
        app.MapNavixyApi(basePath);
        app.MapAdmin().OnListener(listeners.Serving(Listeners.Admin));
        app.MapPage(basePath);
        app.MapOperations(metricsOn: listeners.Serving(Listeners.Admin));
        return app;
    }

    /// <summary>Migrates and seeds the store, then starts listening.</summary>
    public static async Task StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        await app.Services.GetRequiredService<StoreInitializer>().InitializeAsync(cancellationToken);
        await app.Services.GetRequiredService<ChangeDispatcher>().InitializeAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
    }

    /// <summary>Runs the server until it is stopped; a bad setting (or a taken port, an unreachable database) is one line on stderr and exit code 1.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            await using var app = Build(args);
            await StartAsync(app, CancellationToken.None);
            await app.WaitForShutdownAsync();
            return 0;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"TrackerEvents could not start: {e.Message}");
            return 1;
        }
    }
}

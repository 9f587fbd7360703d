namespace TrackerEvents.Hosting;

/// <summary>Builds and starts the server; shared by <c>Program</c> and the tests, which run the real thing on a free port.</summary>
internal static class TrackerEventsApp
{
    /// <param name="args">Command line: any configuration key as <c>--Section:Key=value</c>.</param>
    /// <param name="configureServices">Replaces services after ours are added (the tests swap the clock).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddTrackerEventsLogging();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.AddServerHeader = false;
            // Past the file-descriptor limit a .NET server was seen to die; refuse upgrades well before it.
            var max = context.Configuration.GetValue("Atmosphere:MaxConnections", new Connections.AtmosphereOptions().MaxConnections);
            kestrel.Limits.MaxConcurrentUpgradedConnections = max + 100;
        });
        builder.Services.AddTrackerEvents(builder.Configuration, builder.Environment);
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapTrackerEvents();
        return app;
    }

    /// <summary>Migrates and seeds the store, then starts listening.</summary>
    public static async Task StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        await app.Services.GetRequiredService<StoreInitializer>().InitializeAsync(cancellationToken);
        await app.Services.GetRequiredService<Dispatch.ChangeDispatcher>().InitializeAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
    }
}

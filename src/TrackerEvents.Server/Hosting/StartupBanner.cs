using Microsoft.Extensions.Options;
using TrackerEvents.Admin;
using TrackerEvents.Api;
using TrackerEvents.Demo;
using TrackerEvents.Diagnostics;
using TrackerEvents.Page;
using TrackerEvents.Store;

namespace TrackerEvents.Hosting;

/// <summary>Says where the server listens and its page is, and, for the embedded demo, how to log in and the admin key.</summary>
internal sealed partial class StartupBanner(
    Listeners listeners, IHostApplicationLifetime lifetime, IOptions<DemoOptions> demo, IOptions<ApiOptions> api, IOptions<PageOptions> page,
    AdminKey adminKey, IStoreDialect dialect, ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = listeners.Addresses(Listeners.Main);
            foreach (var address in addresses)
            {
                LogListening(logger, address, api.Value.BasePath);
            }

            foreach (var address in listeners.Addresses(Listeners.Devices))
            {
                LogDevices(logger, address);
            }

            if (page.Value.Enabled && addresses is [var first, ..])
            {
                LogPage(logger, first);
            }

            if (demo.Value.Enabled && dialect is SqliteDialect) // the demo is seeded into the embedded store only
            {
                LogDemo(logger, demo.Value.Login, demo.Value.Password);
            }

            if (adminKey.Generated)
            {
                LogAdminKey(logger, adminKey.Value);
            }

            LogCollector(logger, System.Runtime.GCSettings.IsServerGC ? "server" : "workstation",
                GC.GetConfigurationVariables().TryGetValue("GCGen0MaxBudget", out var budget) && budget is long bytes and > 0
                    ? $"{bytes / (1024 * 1024)} MB" : "the runtime's default");
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = LogEvents.Listening, Level = LogLevel.Information, Message = "TrackerEvents listening on {Address} (API at {Address}{BasePath}, WebSocket at {Address}{BasePath}/event/subscription)")]
    private static partial void LogListening(ILogger logger, string address, string basePath);

    [LoggerMessage(EventId = LogEvents.DevicesListening, Level = LogLevel.Information, Message = "Devices report to {Address} (OsmAnd and Traccar Client protocols)")]
    private static partial void LogDevices(ILogger logger, string address);

    [LoggerMessage(EventId = LogEvents.PageServed, Level = LogLevel.Information, Message = "Monitoring page: {Address}/")]
    private static partial void LogPage(ILogger logger, string address);

    [LoggerMessage(EventId = LogEvents.DemoLogin, Level = LogLevel.Information, Message = "Demo login: {Login} / {Password}")]
    private static partial void LogDemo(ILogger logger, string login, string password);

    [LoggerMessage(EventId = LogEvents.GarbageCollector, Level = LogLevel.Information,
        Message = "Garbage collector: {Kind}, young generation collected after at most {Gen0Budget} allocated")]
    private static partial void LogCollector(ILogger logger, string kind, string gen0Budget);

    [LoggerMessage(EventId = LogEvents.AdminKeyGenerated, Level = LogLevel.Information, Message = "Admin API key (X-Api-Key): {AdminApiKey}")]
    private static partial void LogAdminKey(ILogger logger, string adminApiKey);
}

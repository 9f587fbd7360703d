using NLog;
using NLog.Extensions.Logging;

namespace TrackerEvents.Hosting;

/// <summary>
/// NLog behind Microsoft.Extensions.Logging, configured from <c>NLog.config</c> (copied from
/// <c>config/</c>). Each host gets its own <see cref="LogFactory"/>, so several servers in one process
/// (the tests) do not share logging state. <c>Logging:Directory</c> moves the log files.
/// </summary>
internal static class LoggingSetup
{
    public static void AddTrackerEventsLogging(this WebApplicationBuilder builder)
    {
        var configured = builder.Configuration["Logging:NLogConfig"];
        var path = string.IsNullOrEmpty(configured) ? Path.Combine(AppContext.BaseDirectory, "NLog.config") : configured;
        var factory = new LogFactory();
        factory.Setup().LoadConfigurationFromFile(path, optional: false);
        if (builder.Configuration["Logging:Directory"] is { Length: > 0 } directory && factory.Configuration is { } configuration)
        {
            configuration.Variables["logDirectory"] = directory;
            factory.Configuration = configuration; // re-applies the targets with the new variable
        }

        builder.Services.AddSingleton(factory); // disposed (and flushed) with the host
        builder.Logging.ClearProviders();
        // RemoveLoggerFactoryFilter = false: the Logging:LogLevel settings (appsettings, command line) filter
        // what reaches NLog, as documented; NLog's default ignores them, so every HTTP request logged four
        // Information lines of Microsoft.AspNetCore despite "Microsoft.AspNetCore": "Warning".
        // IncludeScopes = false: no layout of NLog.config prints a scope, and keeping them cost allocations per request.
        builder.Logging.AddNLog(new NLogProviderOptions { RemoveLoggerFactoryFilter = false, IncludeScopes = false }, _ => factory);

        // The hosting's request log (two Information lines per request, off at the shipped "Warning") is switched
        // off entirely unless configured: while any level of it is on, every request (each device point) also
        // gets a logging scope and an Activity, whether or not anything is written.
        const string requests = "Microsoft.AspNetCore.Hosting.Diagnostics";
        if (builder.Configuration[$"Logging:LogLevel:{requests}"] is null)
        {
            builder.Logging.AddFilter(requests, Microsoft.Extensions.Logging.LogLevel.None);
        }
    }
}

using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TrackerEvents.Admin;
using TrackerEvents.Api;
using TrackerEvents.Auth;
using TrackerEvents.Connections;
using TrackerEvents.Demo;
using TrackerEvents.Dispatch;
using TrackerEvents.Store;
using TrackerEvents.Subscriptions;

namespace TrackerEvents.Hosting;

/// <summary>Wires every feature into the host; <c>Program.cs</c> reads as a table of contents.</summary>
internal static class ServiceRegistration
{
    public static IServiceCollection AddTrackerEvents(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<UserSessionOptions>().BindConfiguration("Sessions").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AuthOptions>().BindConfiguration("Auth").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ApiOptions>().BindConfiguration("Api").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AdminOptions>().BindConfiguration("Admin").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DemoOptions>().BindConfiguration("Demo").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AtmosphereOptions>().BindConfiguration("Atmosphere").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HostingOptions>().BindConfiguration("Hosting").Validate(
            o => o.KnownProxies.All(p => System.Net.IPAddress.TryParse(p, out _)), "Hosting:KnownProxies must hold IP addresses.").ValidateOnStart();
        services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidation>();
        services.AddSingleton<IValidateOptions<DemoOptions>, DemoOptionsValidation>();

        services.AddSingleton<StoreInitializer>();
        services.AddSingleton<AdminKey>();
        services.AddSingleton<DemoSeeder>();
        services.AddSingleton(_ => new PasswordHasher<UserRow>());
        services.AddSingleton<SessionService>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<ApiRateLimiter>();

        services.AddSingleton<SubscriptionIndex>();
        services.AddSingleton<ClientRegistry>();
        services.AddSingleton<ActionHandler>();
        services.AddSingleton<TimerWheel>();
        services.AddHostedService(sp => sp.GetRequiredService<TimerWheel>());
        services.AddSingleton<ChangeDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<ChangeDispatcher>());

        services.AddHostedService<StartupBanner>();
        services.AddHostedService<SessionSweeper>();
        services.AddHostedService<Simulator>();
        // Last: hosted services start in the order they are added, so the store's (the change listener or
        // the checkpointer) start after the dispatcher and stop before it.
        services.AddStore(configuration, environment);
        return services;
    }

    public static WebApplication MapTrackerEvents(this WebApplication app)
    {
        var basePath = app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.BasePath;
        var atmosphere = app.Services.GetRequiredService<IOptions<AtmosphereOptions>>().Value;
        var webSockets = new WebSocketOptions
        {
            // Keep-alive pings: a peer that answers no ping for the rest of the dead-peer window is aborted.
            KeepAliveInterval = atmosphere.ClientHeartbeat,
            KeepAliveTimeout = atmosphere.ClientHeartbeat * (atmosphere.DeadPeerIntervals - 1),
        };
        foreach (var origin in atmosphere.AllowedOrigins)
        {
            webSockets.AllowedOrigins.Add(origin);
        }

        app.UseWebSockets(webSockets);
        app.Lifetime.ApplicationStopping.Register(() => app.Services.GetRequiredService<ClientRegistry>().CloseAll("server shutting down"));
        app.MapAtmosphere(basePath);
        var forwarded = new ForwardedHeadersOptions
        {
            ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto,
        };
        forwarded.KnownIPNetworks.Clear();
        forwarded.KnownProxies.Clear();
        foreach (var proxy in app.Services.GetRequiredService<IOptions<HostingOptions>>().Value.KnownProxies)
        {
            forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
        }

        app.UseForwardedHeaders(forwarded);
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapMetrics();
        app.MapAuth(basePath);
        app.MapTrackers(basePath);
        app.MapReadings(basePath);
        app.MapApiFallback(basePath);
        app.MapAdmin();
        app.MapIngest();
        return app;
    }

    private sealed class AdminOptionsValidation(IOptions<Store.StoreOptions> store) : IValidateOptions<AdminOptions>
    {
        public ValidateOptionsResult Validate(string? name, AdminOptions options)
        {
            if (options.ApiKey is { Length: > 0 and < 16 })
            {
                return ValidateOptionsResult.Fail("Admin:ApiKey must be at least 16 characters long.");
            }

            return string.IsNullOrEmpty(options.ApiKey) && store.Value.Provider != "Sqlite"
                ? ValidateOptionsResult.Fail("Admin:ApiKey is required unless the embedded SQLite store is used.")
                : ValidateOptionsResult.Success;
        }
    }

    private sealed class DemoOptionsValidation : IValidateOptions<DemoOptions>
    {
        public ValidateOptionsResult Validate(string? name, DemoOptions options) =>
            TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out _)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"Demo:TimeZone '{options.TimeZone}' is not a known time zone.");
    }
}

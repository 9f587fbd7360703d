using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TrackerEvents.Diagnostics;
using TrackerEvents.Dispatch;
using TrackerEvents.Subscriptions;

namespace TrackerEvents.Connections;

/// <summary>The event endpoint as a feature: its settings, the clients and their streams, the dispatcher, the transports.</summary>
internal static class AtmosphereExtensions
{
    public static IServiceCollection AddAtmosphere(this IServiceCollection services)
    {
        services.AddOptions<AtmosphereOptions>().BindConfiguration("Atmosphere").ValidateDataAnnotations().ValidateOnStart();

        // Past the file-descriptor limit a .NET server was seen to die; Kestrel refuses upgrades well before it.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<AtmosphereOptions>>((kestrel, atmosphere) =>
            kestrel.Limits.MaxConcurrentUpgradedConnections = atmosphere.Value.MaxConnections + 100);

        // Clients and their subscription streams.
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AtmosphereOptions>>().Value.ClientLimits());
        services.AddSingleton<SubscriptionIndex>();
        services.AddSingleton<ConnectionMetrics>();
        services.AddSingleton<ClientRegistry>();
        services.AddSingleton<TimerWheel>();
        services.AddSingleton<BatchFrames>();
        services.AddHostedService(sp => sp.GetRequiredService<TimerWheel>());

        // Changes from the store to the clients.
        services.TryAddSingleton<PhaseTimings>();
        services.AddSingleton<ChangeDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<ChangeDispatcher>());

        // The endpoint and its transports.
        services.AddSingleton<ActionHandler>();
        services.AddSingleton<SnapshotTurns>();
        services.AddSingleton<ConnectionSlots>();
        services.AddSingleton<TransportServices>();
        services.AddSingleton<HttpTransportEndpoint>();
        services.AddSingleton<PushEndpoint>();
        services.AddSingleton<AtmosphereEndpoint>();
        return services;
    }

    /// <summary>Maps <c>/event/subscription</c> and <c>{basePath}/event/subscription</c>, with WebSockets and graceful shutdown.</summary>
    public static WebApplication MapAtmosphere(this WebApplication app, string basePath)
    {
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
        var registry = app.Services.GetRequiredService<ClientRegistry>();
        app.Lifetime.ApplicationStopping.Register(() => registry.CloseAll(Disconnect.Shutdown));

        static Task Handle(HttpContext http, AtmosphereEndpoint endpoint) => endpoint.HandleAsync(http);
        app.Map("/event/subscription", Handle);
        if (basePath.Length > 0)
        {
            app.Map(basePath + "/event/subscription", Handle);
        }

        return app;
    }
}

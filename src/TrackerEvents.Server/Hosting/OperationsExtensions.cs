using System.Net;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace TrackerEvents.Hosting;

/// <summary>What an operator runs the server with: the proxy settings, the start-up banner, health checks and metrics.</summary>
internal static class OperationsExtensions
{
    public static IServiceCollection AddOperations(this IServiceCollection services)
    {
        services.AddOptions<HostingOptions>().BindConfiguration("Hosting").Validate(
            o => o.KnownProxies.All(p => IPAddress.TryParse(p, out _)), "Hosting:KnownProxies must hold IP addresses.").ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<HostingOptions>>((forwarded, hosting) =>
        {
            // the client address from X-Forwarded-For behind these proxies only (the device listener reads the same options)
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var proxy in hosting.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });
        services.AddSingleton<StoreInitializer>();
        services.AddHostedService<StartupBanner>();
        return services;
    }

    /// <summary><c>/health/live</c> (the process answers), <c>/health/ready</c> (the store answers too), and <c>/metrics</c> on <paramref name="metricsOn"/>.</summary>
    public static WebApplication MapOperations(this WebApplication app, string metricsOn)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapMetrics().OnListener(metricsOn);
        return app;
    }

    public static T Setting<T>(this WebApplication app) where T : class => app.Services.GetRequiredService<IOptions<T>>().Value;
}

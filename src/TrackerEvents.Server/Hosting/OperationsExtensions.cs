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
        services.AddSingleton<StoreInitializer>();
        services.AddHostedService<StartupBanner>();
        return services;
    }

    /// <summary>Takes the client address from <c>X-Forwarded-For</c> behind the proxies in <see cref="HostingOptions.KnownProxies"/>.</summary>
    public static WebApplication UseForwardedHeaders(this WebApplication app, HostingOptions hosting)
    {
        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        forwarded.KnownIPNetworks.Clear();
        forwarded.KnownProxies.Clear();
        foreach (var proxy in hosting.KnownProxies)
        {
            forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        app.UseForwardedHeaders(forwarded);
        return app;
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

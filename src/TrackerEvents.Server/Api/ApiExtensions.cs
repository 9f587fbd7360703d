using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;
using TrackerEvents.Auth;

namespace TrackerEvents.Api;

/// <summary>The Navixy-compatible HTTP API as a feature: its settings, its request budgets, its methods.</summary>
internal static class ApiExtensions
{
    public static IServiceCollection AddNavixyApi(this IServiceCollection services)
    {
        services.AddOptions<ApiOptions>().BindConfiguration("Api").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var api = sp.GetRequiredService<IOptions<ApiOptions>>().Value;
            return new RateLimits(api.AddressRateLimit, api.RateLimit, api.RateLimitWindow);
        });
        services.AddSingleton<ApiRunner>();
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<ApiOptions>>((cors, api) =>
            cors.AddPolicy(ApiCors.PolicyName, ApiCors.Policy(api.Value.AllowedOrigins)));
        return services;
    }

    /// <summary>
    /// Maps every API method under <paramref name="basePath"/>, and error 111 for anything else there; CORS
    /// (<see cref="ApiCors"/>) covers them and the event endpoint's HTTP transports.
    /// </summary>
    public static WebApplication MapNavixyApi(this WebApplication app, string basePath)
    {
        app.UseWhen(http => ApiCors.Covers(http.Request.Path, basePath), cors => cors.UseCors(ApiCors.PolicyName));
        app.MapUsers(basePath);
        app.MapTrackers(basePath);
        app.MapReadings(basePath);
        app.MapTags(basePath);
        app.MapApiKeys(basePath);
        app.MapApiFallback(basePath);
        return app;
    }
}

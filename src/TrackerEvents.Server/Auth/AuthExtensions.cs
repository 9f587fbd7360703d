using Microsoft.AspNetCore.Identity;
using TrackerEvents.Store;

namespace TrackerEvents.Auth;

/// <summary>Sessions, API keys and logins as a feature: their settings, the password hasher, the session sweep.</summary>
internal static class AuthExtensions
{
    public static IServiceCollection AddAuth(this IServiceCollection services)
    {
        services.AddOptions<UserSessionOptions>().BindConfiguration("Sessions").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AuthOptions>().BindConfiguration("Auth").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(_ => new PasswordHasher<UserRow>());
        services.AddSingleton<SessionService>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<LoginService>();
        services.AddHostedService<SessionSweeper>();
        return services;
    }
}

using Microsoft.AspNetCore.Identity;
using TrackerEvents.Api;
using TrackerEvents.Store;

namespace TrackerEvents.Auth;

/// <summary><c>user/auth</c>, <c>user/logout</c> and <c>user/session/renew</c>.</summary>
internal static class AuthEndpoints
{
    public static void MapAuth(this IEndpointRouteBuilder routes, string basePath)
    {
        routes.MapAnonymousApi(basePath + "/user/auth", LoginAsync);

        routes.MapApi(basePath + "/user/logout", async call =>
        {
            RequireStandardSession(call.Session);
            await call.Service<SessionService>().LogoutAsync(call.Session, call.Aborted);
            return ApiResponse.Empty;
        });

        routes.MapApi(basePath + "/user/session/renew", async call =>
        {
            RequireStandardSession(call.Session);
            await call.Service<SessionService>().RenewAsync(call.Session, call.Aborted);
            return ApiResponse.Empty;
        });
    }

    private static async Task<ApiFields> LoginAsync(HttpContext http, ApiParameters parameters)
    {
        var login = parameters.String("login", required: true, maxLength: 254)?.ToLowerInvariant();
        var password = parameters.String("password", required: true, maxLength: 256);
        parameters.ThrowIfInvalid();

        var services = http.RequestServices;
        var throttle = services.GetRequiredService<LoginThrottle>();
        var address = ApiEndpoint.ClientAddress(http);
        if (throttle.IsLockedOut(login!, address))
        {
            throw new ApiException(ApiError.LoginAttemptsLimit);
        }

        // Password checks cost ~50 ms of a core each: only a few run at once, the rest queue briefly or are refused.
        using var permit = await services.GetRequiredService<ApiRateLimiter>().Logins.AcquireAsync(1, http.RequestAborted);
        if (!permit.IsAcquired)
        {
            throw new ApiException(ApiError.TooManyRequests);
        }

        var users = services.GetRequiredService<UserStore>();
        var hasher = services.GetRequiredService<PasswordHasher<UserRow>>();
        var user = await users.FindUserAsync(login!, http.RequestAborted);
        var verdict = user?.PasswordHash is { } stored
            ? hasher.VerifyHashedPassword(user, stored, password!)
            : DummyVerify(hasher, password!);
        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            throttle.RecordFailure(login!, address);
            throw new ApiException(ApiError.WrongLogin);
        }

        throttle.RecordSuccess(login!);
        if (user.Blocked)
        {
            throw new ApiException(ApiError.UserBlocked);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await users.UpgradePasswordHashAsync(user.Id, hasher.HashPassword(user, password!), http.RequestAborted);
        }

        var hash = await services.GetRequiredService<SessionService>().CreateSessionAsync(user.Id, http.RequestAborted);
        return writer =>
        {
            writer.WriteString("type", "authenticated");
            writer.WriteString("hash", hash);
        };
    }

    /// <summary>Spends the same time on an unknown login as on a known one, so timing does not reveal which logins exist.</summary>
    private static PasswordVerificationResult DummyVerify(PasswordHasher<UserRow> hasher, string password)
    {
        hasher.VerifyHashedPassword(new UserRow(), DummyHash.Value, password);
        return PasswordVerificationResult.Failed;
    }

    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<UserRow>().HashPassword(new UserRow(), "not a password"));

    private static void RequireStandardSession(AuthenticatedSession session)
    {
        if (session.IsApiKey)
        {
            // Navixy: logout and renew work with standard sessions only; API keys never end this way.
            throw new ApiException(ApiError.SessionTypeForbidden);
        }
    }
}

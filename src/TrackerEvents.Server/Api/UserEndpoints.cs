using TrackerEvents.Auth;
using TrackerEvents.Messages;
using TrackerEvents.Store;

namespace TrackerEvents.Api;

/// <summary><c>user/auth</c>, <c>user/get_info</c>, <c>user/logout</c> and <c>user/session/renew</c>.</summary>
internal static class UserEndpoints
{
    public static void MapUsers(this IEndpointRouteBuilder routes, string basePath)
    {
        routes.Map(basePath + "/user/auth", (HttpContext http, ApiRunner api, LoginService logins) => api.RunAsync(http, async parameters =>
        {
            var login = parameters.String("login", required: true, maxLength: 254)?.ToLowerInvariant();
            var password = parameters.String("password", required: true, maxLength: 256);
            parameters.ThrowIfInvalid();
            var hash = await logins.LoginAsync(login!, password!, ClientAddress.Text(http), http.RequestAborted);
            return writer =>
            {
                writer.WriteString("type", "authenticated");
                writer.WriteString("hash", hash);
            };
        }));

        routes.MapApi<UserStore>(basePath + "/user/get_info", async (call, users) =>
        {
            var user = await users.FindUserAsync(call.Session.UserId, call.Aborted) ?? throw new ApiException(ApiError.SessionEnded);
            return writer => UserInfoJson.Write(writer, user, call.Dates);
        });

        routes.MapApi<SessionService>(basePath + "/user/logout", async (call, sessions) =>
        {
            RequireStandardSession(call.Session);
            await sessions.LogoutAsync(call.Session, call.Aborted);
            return ApiResponse.Empty;
        });

        routes.MapApi<SessionService>(basePath + "/user/session/renew", async (call, sessions) =>
        {
            RequireStandardSession(call.Session);
            await sessions.RenewAsync(call.Session, call.Aborted);
            return ApiResponse.Empty;
        });
    }

    private static void RequireStandardSession(AuthenticatedSession session)
    {
        if (session.IsApiKey)
        {
            // Navixy: logout and renew work with standard sessions only; API keys never end this way.
            throw new ApiException(ApiError.SessionTypeForbidden);
        }
    }
}

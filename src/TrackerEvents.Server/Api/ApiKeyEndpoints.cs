using TrackerEvents.Auth;
using TrackerEvents.Messages;

namespace TrackerEvents.Api;

/// <summary>
/// <c>api/key/create</c>, <c>api/key/list</c> and <c>api/key/delete</c>, and <c>user/api_key/list</c> and
/// <c>user/api_key/delete</c> as the authentication guide names them. Only a standard session may manage
/// keys: an API key is error 4. At most <see cref="UserSessionOptions.MaxApiKeysPerUser"/> live keys (268).
/// </summary>
internal static class ApiKeyEndpoints
{
    private const int MaxTitleLength = 255;

    public static void MapApiKeys(this IEndpointRouteBuilder routes, string basePath)
    {
        routes.MapApi<SessionService>(basePath + "/api/key/create", CreateAsync);
        routes.MapApi<SessionService>(basePath + "/api/key/list", ListAsync);
        routes.MapApi<SessionService>(basePath + "/api/key/delete", (call, sessions) => DeleteAsync(call, sessions, "key"));
        routes.MapApi<SessionService>(basePath + "/user/api_key/list", ListAsync);
        routes.MapApi<SessionService>(basePath + "/user/api_key/delete", (call, sessions) => DeleteAsync(call, sessions, "api_key"));
    }

    private static async Task<ApiFields> CreateAsync(ApiContext call, SessionService sessions)
    {
        RequireStandardSession(call);
        var title = call.Parameters.String("title", required: true, maxLength: MaxTitleLength);
        if (title is not null && (string.IsNullOrWhiteSpace(title) || title.Any(char.IsControl)))
        {
            call.Parameters.Fail("title", "must hold printable characters, not only blanks");
        }

        call.Parameters.ThrowIfInvalid();
        var hash = await sessions.CreateApiKeyAsync(call.Session.UserId, title, call.Aborted);
        return writer =>
        {
            writer.WriteStartObject("value");
            writer.WriteString("hash", hash);
            call.Dates.Write(writer, "create_date", call.Now);
            writer.WriteString("title", title);
            writer.WriteEndObject();
        };
    }

    private static async Task<ApiFields> ListAsync(ApiContext call, SessionService sessions)
    {
        RequireStandardSession(call);
        var keys = await sessions.ListApiKeysAsync(call.Session.UserId, call.Aborted);
        return writer =>
        {
            writer.WriteStartArray("list");
            foreach (var key in keys)
            {
                writer.WriteStartObject();
                writer.WriteString("hash", key.Fingerprint);
                call.Dates.Write(writer, "create_date", key.CreatedAt);
                writer.WriteString("title", key.Title);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        };
    }

    private static async Task<ApiFields> DeleteAsync(ApiContext call, SessionService sessions, string keyParameter)
    {
        RequireStandardSession(call);
        var key = call.Parameters.String(keyParameter, required: true, maxLength: 64);
        call.Parameters.ThrowIfInvalid();
        return await sessions.DeleteApiKeyAsync(call.Session.UserId, key!, call.Aborted) ? ApiResponse.Empty : throw new ApiException(ApiError.NotFound);
    }

    /// <summary>Navixy: keys are managed with a session from <c>user/auth</c>; another API key is error 4.</summary>
    private static void RequireStandardSession(ApiContext call)
    {
        if (call.Session.IsApiKey)
        {
            throw new ApiException(ApiError.SessionEnded);
        }
    }
}

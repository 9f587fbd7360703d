using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TrackerEvents.Api;
using TrackerEvents.Auth;
using TrackerEvents.Hosting;
using TrackerEvents.Store;

namespace TrackerEvents.Admin;

/// <summary>
/// The admin API: users, API keys and trackers. Authenticated by the <c>X-Api-Key</c> header; answers
/// in the same envelope as the Navixy API.
/// </summary>
internal static partial class AdminEndpoints
{
    public static void MapAdmin(this IEndpointRouteBuilder routes)
    {
        routes.MapAdminCall("/admin/users", CreateUserAsync);
        routes.MapAdminCall("/admin/users/block", call => SetUserBlockedAsync(call, blocked: true));
        routes.MapAdminCall("/admin/users/unblock", call => SetUserBlockedAsync(call, blocked: false));
        routes.MapAdminCall("/admin/users/password", ChangePasswordAsync);
        routes.MapAdminCall("/admin/api_keys", CreateApiKeyAsync);
        routes.MapAdminCall("/admin/trackers", CreateTrackerAsync);
        routes.MapAdminCall("/admin/trackers/bulk", BulkTrackerEndpoint.CreateAsync, ingest: true);
        routes.MapAdminCall("/admin/trackers/block", call => SetTrackerBlockedAsync(call, blocked: true));
        routes.MapAdminCall("/admin/trackers/unblock", call => SetTrackerBlockedAsync(call, blocked: false));
        routes.MapAdminCall("/admin/trackers/corrupt", CorruptTrackerAsync);
        routes.MapAdminCall("/admin/changes", ChangeFeedEndpoint.ReadAsync);
    }

    /// <summary>Maps one admin call: the API key is checked before anything is read.</summary>
    public static void MapAdminCall(this IEndpointRouteBuilder routes, string path, Func<AdminCall, Task<ApiFields>> handler, bool ingest = false) =>
        routes.Map(path, (HttpContext http) => ApiEndpoint.ExecuteAsync(http, async parameters =>
        {
            if (!http.RequestServices.GetRequiredService<AdminKey>().Matches(http.Request.Headers["X-Api-Key"].ToString()))
            {
                throw new ApiException(ApiError.ServiceAuth);
            }

            return await handler(new AdminCall(http, parameters));
        }, ingest ? http.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value.MaxIngestBytes : null));

    private static async Task<ApiFields> CreateUserAsync(AdminCall call)
    {
        var p = call.Parameters;
        var login = p.String("login", required: true, maxLength: 254)?.ToLowerInvariant();
        var password = p.String("password", maxLength: 256);
        var zone = p.String("time_zone", maxLength: 64) ?? "UTC";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            p.Fail("time_zone", "must be an IANA time zone such as Europe/Amsterdam");
        }

        p.ThrowIfInvalid();
        var hash = password is null ? null : call.Service<PasswordHasher<UserRow>>().HashPassword(new UserRow(), password);
        try
        {
            var id = await call.Service<UserStore>().CreateUserAsync(login!, hash, zone, call.Aborted);
            return writer => writer.WriteNumber("id", id);
        }
        catch (StoreConflictException e) when (e.Conflict == StoreConflict.LoginInUse)
        {
            throw new ApiException(ApiError.LoginInUse);
        }
    }

    private static async Task<ApiFields> SetUserBlockedAsync(AdminCall call, bool blocked)
    {
        var user = await RequireUserAsync(call);
        await call.Service<UserStore>().SetUserBlockedAsync(user.Id, blocked, call.Aborted);
        return ApiResponse.Empty;
    }

    private static async Task<ApiFields> ChangePasswordAsync(AdminCall call)
    {
        var password = call.Parameters.String("password", required: true, maxLength: 256);
        var user = await RequireUserAsync(call);
        var hash = call.Service<PasswordHasher<UserRow>>().HashPassword(user, password!);
        await call.Service<UserStore>().SetPasswordAsync(user.Id, hash, call.Aborted);
        return ApiResponse.Empty;
    }

    private static async Task<ApiFields> CreateApiKeyAsync(AdminCall call)
    {
        var title = call.Parameters.String("title", maxLength: 255);
        var user = await RequireUserAsync(call);
        var hash = await call.Service<SessionService>().CreateApiKeyAsync(user.Id, title, call.Aborted);
        return writer => writer.WriteString("hash", hash);
    }

    private static async Task<ApiFields> CreateTrackerAsync(AdminCall call)
    {
        var p = call.Parameters;
        var label = p.String("label", required: true, maxLength: 100);
        var deviceId = p.String("device_id", required: true, maxLength: 32);
        if (deviceId is not null && !DeviceId().IsMatch(deviceId))
        {
            p.Fail("device_id", "must consist of 6-32 alphanumeric symbols or hyphens");
        }

        var model = p.String("model", required: true, maxLength: 64);
        var groupId = p.Long("group_id", min: 0) ?? 0;
        var phone = p.String("phone", maxLength: 32);
        var tariffEnd = p.String("tariff_end_date", maxLength: 10);
        if (tariffEnd is not null && !DateOnly.TryParseExact(tariffEnd, "yyyy-MM-dd", out _))
        {
            p.Fail("tariff_end_date", "must be a date as yyyy-MM-dd");
        }

        var user = await RequireUserAsync(call);
        try
        {
            var (id, sourceId) = await call.Service<TrackerStore>().CreateTrackerAsync(
                new NewTracker(user.Id, label!, deviceId!, model!, groupId, phone, tariffEnd), call.Aborted);
            return writer =>
            {
                writer.WriteNumber("id", id);
                writer.WriteNumber("source_id", sourceId);
            };
        }
        catch (StoreConflictException e) when (e.Conflict == StoreConflict.DeviceIdInUse)
        {
            throw new ApiException(ApiError.DeviceIdInUse);
        }
    }

    private static async Task<ApiFields> SetTrackerBlockedAsync(AdminCall call, bool blocked)
    {
        var tracker = await RequireTrackerAsync(call);
        await call.Service<TrackerStore>().SetTrackerBlockedAsync(tracker.Id, blocked, call.Aborted);
        return ApiResponse.Empty;
    }

    private static async Task<ApiFields> CorruptTrackerAsync(AdminCall call)
    {
        var tracker = await RequireTrackerAsync(call, allowCorrupted: true);
        return await call.Service<TrackerStore>().SetTrackerCorruptedAsync(tracker.Id, call.Aborted)
            ? ApiResponse.Empty
            : throw new ApiException(ApiError.AlreadyCorrupted);
    }

    /// <summary>The user named by <c>login</c> (error 201 if there is none); reports any parameter errors first.</summary>
    private static async Task<UserRow> RequireUserAsync(AdminCall call)
    {
        var login = call.Parameters.String("login", required: true, maxLength: 254)?.ToLowerInvariant();
        call.Parameters.ThrowIfInvalid();
        return await call.Service<UserStore>().FindUserAsync(login!, call.Aborted) ?? throw new ApiException(ApiError.NotFound);
    }

    private static async Task<TrackerRow> RequireTrackerAsync(AdminCall call, bool allowCorrupted = false)
    {
        var id = call.Parameters.Long("tracker_id", required: true);
        call.Parameters.ThrowIfInvalid();
        var tracker = await call.Service<TrackerStore>().FindTrackerAsync(id!.Value, call.Aborted);
        return tracker is not null && (allowCorrupted || !tracker.Corrupted) ? tracker : throw new ApiException(ApiError.NotFound);
    }

    [GeneratedRegex("^[A-Za-z0-9-]{6,32}$")]
    internal static partial Regex DeviceId();
}

/// <summary>What an admin handler gets.</summary>
internal sealed record AdminCall(HttpContext Http, ApiParameters Parameters)
{
    public CancellationToken Aborted => Http.RequestAborted;

    public T Service<T>() where T : notnull => Http.RequestServices.GetRequiredService<T>();
}

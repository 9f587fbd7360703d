using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using TrackerEvents.Api;
using TrackerEvents.Auth;
using TrackerEvents.Messages;
using TrackerEvents.Store;

namespace TrackerEvents.Admin;

/// <summary>
/// The admin API: users, API keys and trackers. Authenticated by the <c>X-Api-Key</c> header; answers
/// in the same envelope as the Navixy API.
/// </summary>
internal static partial class AdminEndpoints
{
    public static void MapAdminCalls(this IEndpointRouteBuilder routes)
    {
        routes.MapAdminCall<UserStore, PasswordHasher<UserRow>>("/admin/users", CreateUserAsync);
        routes.MapAdminCall<UserStore>("/admin/users/block", (call, users) => SetUserBlockedAsync(call, users, blocked: true));
        routes.MapAdminCall<UserStore>("/admin/users/unblock", (call, users) => SetUserBlockedAsync(call, users, blocked: false));
        routes.MapAdminCall<UserStore, PasswordHasher<UserRow>>("/admin/users/password", ChangePasswordAsync);
        routes.MapAdminCall<UserStore, SessionService>("/admin/api_keys", CreateApiKeyAsync);
        routes.MapAdminCall<UserStore, TrackerStore>("/admin/trackers", CreateTrackerAsync);
        routes.MapAdminCall<UserStore, TrackerStore>("/admin/trackers/bulk", BulkTrackerEndpoint.CreateAsync, ingest: true);
        routes.MapAdminCall<TrackerStore>("/admin/trackers/block", (call, trackers) => SetTrackerBlockedAsync(call, trackers, blocked: true));
        routes.MapAdminCall<TrackerStore>("/admin/trackers/unblock", (call, trackers) => SetTrackerBlockedAsync(call, trackers, blocked: false));
        routes.MapAdminCall<TrackerStore>("/admin/trackers/corrupt", CorruptTrackerAsync);
        routes.MapAdminCall<ChangeFeed>("/admin/changes", ChangeFeedEndpoint.ReadAsync);
    }

    private static async Task<ApiFields> CreateUserAsync(AdminCall call, UserStore users, PasswordHasher<UserRow> hasher)
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
        var hash = password is null ? null : hasher.HashPassword(new UserRow(), password);
        try
        {
            var id = await users.CreateUserAsync(login!, hash, zone, call.Aborted);
            return writer => writer.WriteNumber("id", id);
        }
        catch (StoreConflictException e) when (e.Conflict == StoreConflict.LoginInUse)
        {
            throw new ApiException(ApiError.LoginInUse);
        }
    }

    private static async Task<ApiFields> SetUserBlockedAsync(AdminCall call, UserStore users, bool blocked)
    {
        var user = await RequireUserAsync(call, users);
        await users.SetUserBlockedAsync(user.Id, blocked, call.Aborted);
        return ApiResponse.Empty;
    }

    private static async Task<ApiFields> ChangePasswordAsync(AdminCall call, UserStore users, PasswordHasher<UserRow> hasher)
    {
        var password = call.Parameters.String("password", required: true, maxLength: 256);
        var user = await RequireUserAsync(call, users);
        var hash = hasher.HashPassword(user, password!);
        await users.SetPasswordAsync(user.Id, hash, call.Aborted);
        return ApiResponse.Empty;
    }

    private static async Task<ApiFields> CreateApiKeyAsync(AdminCall call, UserStore users, SessionService sessions)
    {
        var title = call.Parameters.String("title", maxLength: 255);
        var user = await RequireUserAsync(call, users);
        var hash = await sessions.CreateApiKeyAsync(user.Id, title, call.Aborted);
        return writer => writer.WriteString("hash", hash);
    }

    private static async Task<ApiFields> CreateTrackerAsync(AdminCall call, UserStore users, TrackerStore trackers)
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

        var user = await RequireUserAsync(call, users);
        try
        {
            var (id, sourceId) = await trackers.CreateTrackerAsync(
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

    private static async Task<ApiFields> SetTrackerBlockedAsync(AdminCall call, TrackerStore trackers, bool blocked)
    {
        var tracker = await RequireTrackerAsync(call, trackers);
        await trackers.SetTrackerBlockedAsync(tracker.Id, blocked, call.Aborted);
        return ApiResponse.Empty;
    }

    private static async Task<ApiFields> CorruptTrackerAsync(AdminCall call, TrackerStore trackers)
    {
        var tracker = await RequireTrackerAsync(call, trackers, allowCorrupted: true);
        return await trackers.SetTrackerCorruptedAsync(tracker.Id, call.Aborted)
            ? ApiResponse.Empty
            : throw new ApiException(ApiError.AlreadyCorrupted);
    }

    /// <summary>The user named by <c>login</c> (error 201 if there is none); reports any parameter errors first.</summary>
    internal static async Task<UserRow> RequireUserAsync(AdminCall call, UserStore users)
    {
        var login = call.Parameters.String("login", required: true, maxLength: 254)?.ToLowerInvariant();
        call.Parameters.ThrowIfInvalid();
        return await users.FindUserAsync(login!, call.Aborted) ?? throw new ApiException(ApiError.NotFound);
    }

    private static async Task<TrackerRow> RequireTrackerAsync(AdminCall call, TrackerStore trackers, bool allowCorrupted = false)
    {
        var id = call.Parameters.Long("tracker_id", required: true);
        call.Parameters.ThrowIfInvalid();
        var tracker = await trackers.FindTrackerAsync(id!.Value, call.Aborted);
        return tracker is not null && (allowCorrupted || !tracker.Corrupted) ? tracker : throw new ApiException(ApiError.NotFound);
    }

    [GeneratedRegex("^[A-Za-z0-9-]{6,32}$")]
    internal static partial Regex DeviceId();
}

using System.Text.Json;
using TrackerEvents.Api;
using TrackerEvents.Messages;
using TrackerEvents.Store;
using TrackerEvents.Tracking;

namespace TrackerEvents.Admin;

/// <summary>
/// The admin calls that go with devices reporting to the device listener: a tracker's own silences
/// before it turns idle and offline, and the device ids that reported without a tracker.
/// </summary>
internal static class DeviceAdminEndpoints
{
    /// <summary>The longest silence a tracker may be given, in seconds (30 days).</summary>
    public const long MaxSilenceSeconds = 30L * 24 * 3600;

    public static void MapDeviceAdmin(this IEndpointRouteBuilder routes)
    {
        routes.MapAdminCall<ConnectionStatusStore>("/admin/trackers/timeouts", TimeoutsAsync);
        routes.MapAdminCall<UnknownDeviceStore>("/admin/devices/unknown", UnknownAsync);
    }

    /// <summary>
    /// <c>tracker_id</c>, and optionally <c>idle_after</c> and <c>offline_after</c> in seconds (0: back to the
    /// server's <c>Devices:IdleAfter</c> / <c>Devices:OfflineAfter</c>). Sets what is given, answers the
    /// tracker's silences (null where it uses the server's).
    /// </summary>
    private static async Task<ApiFields> TimeoutsAsync(AdminCall call, ConnectionStatusStore store)
    {
        var p = call.Parameters;
        var trackerId = p.Long("tracker_id", required: true);
        var idle = p.Long("idle_after", min: 0, max: MaxSilenceSeconds);
        var offline = p.Long("offline_after", min: 0, max: MaxSilenceSeconds);
        p.ThrowIfInvalid();
        var current = await store.GetTimeoutsAsync(trackerId!.Value, call.Aborted) ?? throw new ApiException(ApiError.NotFound);
        var wanted = new TrackerTimeouts(idle is { } i ? Silence(i) : current.IdleAfter, offline is { } o ? Silence(o) : current.OfflineAfter);
        if (wanted.IdleAfter >= wanted.OfflineAfter)
        {
            throw ApiException.Invalid(idle is null ? "offline_after" : "idle_after", "idle_after must be shorter than offline_after");
        }

        if (wanted != current && !await store.SetTimeoutsAsync(trackerId.Value, wanted, call.Aborted))
        {
            throw new ApiException(ApiError.NotFound);
        }

        return writer =>
        {
            writer.WriteNumber("tracker_id", trackerId.Value);
            WriteSeconds(writer, "idle_after", wanted.IdleAfter);
            WriteSeconds(writer, "offline_after", wanted.OfflineAfter);
        };
    }

    /// <summary><c>limit</c> (default 100, at most 1,000): the most recently seen ids that have no tracker.</summary>
    private static async Task<ApiFields> UnknownAsync(AdminCall call, UnknownDeviceStore store)
    {
        var limit = (int)(call.Parameters.Long("limit", min: 1, max: 1000) ?? 100);
        call.Parameters.ThrowIfInvalid();
        var devices = await store.ListAsync(limit, call.Aborted);
        return writer =>
        {
            writer.WriteStartArray("list");
            foreach (var device in devices)
            {
                writer.WriteStartObject();
                writer.WriteString("device_id", device.DeviceId);
                DateStyle.Canonical.Write(writer, "first_seen", DateTimeOffset.FromUnixTimeMilliseconds(device.FirstSeen));
                DateStyle.Canonical.Write(writer, "last_seen", DateTimeOffset.FromUnixTimeMilliseconds(device.LastSeen));
                writer.WriteNumber("requests", device.Requests);
                writer.WriteString("last_address", device.LastAddress);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        };
    }

    private static TimeSpan? Silence(long seconds) => seconds == 0 ? null : TimeSpan.FromSeconds(seconds);

    private static void WriteSeconds(Utf8JsonWriter writer, string name, TimeSpan? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, (long)v.TotalSeconds);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}

using System.Text.Json;
using TrackerEvents.Api;
using TrackerEvents.Store;
using TrackerEvents.Tracking;

namespace TrackerEvents.Admin;

/// <summary>
/// <c>GET /admin/changes?after=&amp;limit=</c>: the change feed as the dispatcher reads it, for operators
/// and for checking that a write made anywhere was versioned.
/// </summary>
internal static class ChangeFeedEndpoint
{
    public static async Task<ApiFields> ReadAsync(AdminCall call, ChangeFeed feed)
    {
        var after = call.Parameters.Long("after", min: 0) ?? 0;
        var limit = (int)(call.Parameters.Long("limit", min: 1, max: 10_000) ?? 1000);
        call.Parameters.ThrowIfInvalid();
        var current = await feed.GetCurrentVersionAsync(call.Aborted);
        var batch = await feed.ReadChangesAsync(after, limit, call.Aborted);
        return writer =>
        {
            writer.WriteNumber("current_version", current);
            writer.WriteNumber("watermark", batch.Watermark);
            writer.WriteBoolean("more", batch.More);
            writer.WriteStartArray("changes");
            foreach (var change in batch.Changes)
            {
                Write(writer, change);
            }

            writer.WriteEndArray();
        };
    }

    private static void Write(Utf8JsonWriter writer, Change change)
    {
        writer.WriteStartObject();
        writer.WriteNumber("version", change.Version);
        switch (change)
        {
            case StateChange state:
                writer.WriteString("type", "state");
                writer.WriteNumber("tracker_id", state.TrackerId);
                writer.WritePropertyName("state");
                StateWriter.Write(writer, state.State, state.SourceId, StateFormat.Full, DateStyle.Canonical);
                break;
            case ReadingChange reading:
                writer.WriteString("type", "reading");
                writer.WriteNumber("tracker_id", reading.TrackerId);
                writer.WriteString("kind", ReadingItem.KindName(reading.Item.Kind));
                writer.WritePropertyName("item");
                reading.Item.Write(writer, DateStyle.Canonical);
                break;
            case LifecycleChange lifecycle:
                writer.WriteString("type", "lifecycle");
                writer.WriteNumber("tracker_id", lifecycle.TrackerId);
                writer.WriteString("lifecycle_event", lifecycle.Event);
                DateStyle.Canonical.Write(writer, "timestamp", lifecycle.OccurredAt);
                break;
            case ClientClosedChange closed:
                writer.WriteString("type", "client_closed");
                writer.WriteString("tracking_id", closed.TrackingId);
                break;
            case SessionEndedChange session:
                writer.WriteString("type", "session_ended");
                writer.WriteNumber("session_id", session.SessionId);
                writer.WriteString("reason", session.Reason);
                break;
        }

        writer.WriteEndObject();
    }
}

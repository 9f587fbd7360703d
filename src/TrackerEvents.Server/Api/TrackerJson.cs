using System.Text.Json;
using TrackerEvents.Store;

namespace TrackerEvents.Api;

/// <summary>The tracker object of <c>tracker/list</c> and <c>tracker/read</c>, with its <c>tag_bindings</c>.</summary>
internal static class TrackerJson
{
    public static void Write(Utf8JsonWriter writer, TrackerRow tracker, IReadOnlyList<TagBinding> tagBindings)
    {
        writer.WriteStartObject();
        writer.WriteNumber("id", tracker.Id);
        writer.WriteString("label", tracker.Label);
        writer.WriteBoolean("clone", tracker.Clone);
        writer.WriteNumber("group_id", tracker.GroupId);
        if (tracker.AvatarFileName is { } avatar)
        {
            writer.WriteString("avatar_file_name", avatar);
        }

        writer.WriteStartObject("source");
        writer.WriteNumber("id", tracker.SourceId);
        writer.WriteString("device_id", tracker.DeviceId);
        writer.WriteString("model", tracker.Model);
        writer.WriteBoolean("blocked", tracker.Blocked);
        writer.WriteNumber("tariff_id", tracker.TariffId);
        if (tracker.StatusListingId is { } listing)
        {
            writer.WriteNumber("status_listing_id", listing);
        }
        else
        {
            writer.WriteNull("status_listing_id");
        }

        writer.WriteString("creation_date", tracker.CreationDate);
        writer.WriteString("tariff_end_date", tracker.TariffEndDate);
        writer.WriteString("phone", tracker.Phone);
        writer.WriteEndObject();
        writer.WriteStartArray("tag_bindings");
        foreach (var binding in tagBindings)
        {
            writer.WriteStartObject();
            writer.WriteNumber("tag_id", binding.TagId);
            writer.WriteNumber("ordinal", binding.Ordinal);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();

        writer.WriteEndObject();
    }
}

using System.Text.Json;
using TrackerEvents.Store;
using TrackerEvents.Tracking;

namespace TrackerEvents.Api;

/// <summary>
/// The answer of <c>user/get_info</c>: what the server knows of the user (id, login, time zone, creation
/// date), fixed values where it keeps nothing (docs/protocol.md lists them), and nothing invented. Fields
/// for dealers, tariffs, sub-users and addresses are left out, as Navixy leaves out fields that are null.
/// </summary>
internal static class UserInfoJson
{
    public static void Write(Utf8JsonWriter writer, UserRow user, DateStyle dates)
    {
        writer.WriteStartObject("user_info");
        writer.WriteNumber("id", user.Id);
        writer.WriteString("login", user.Login);
        writer.WriteString("title", ""); // no names are kept
        dates.Write(writer, "creation_date", DateTimeOffset.FromUnixTimeMilliseconds(user.CreatedAt));
        writer.WriteNumber("balance", 0); // no billing
        writer.WriteNumber("bonus", 0);
        writer.WriteString("locale", "en_US");
        writer.WriteBoolean("demo", false); // no function is disabled for any account
        writer.WriteBoolean("verified", true); // accounts are created by the operator: nothing to verify
        writer.WriteString("legal_type", "individual");
        writer.WriteString("time_zone", user.TimeZone);
        writer.WriteString("measurement_system", "metric"); // the units states and readings are in
        writer.WriteString("first_name", "");
        writer.WriteString("middle_name", "");
        writer.WriteString("last_name", "");
        writer.WriteEndObject();
        writer.WriteBoolean("premium_gis", false);
        writer.WriteStartArray("features");
        writer.WriteEndArray();
    }
}

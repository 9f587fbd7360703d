using TrackerEvents.Auth;
using TrackerEvents.Tracking;

namespace TrackerEvents.Api;

/// <summary>What an API handler gets: the request, its parameters, the caller's session, how to write dates, and the time of the call.</summary>
internal sealed record ApiContext(HttpContext Http, ApiParameters Parameters, AuthenticatedSession Session, DateStyle Dates, DateTimeOffset Now)
{
    public CancellationToken Aborted => Http.RequestAborted;

    /// <summary><c>user_time</c>: the time of the call in the caller's date style.</summary>
    public void WriteUserTime(System.Text.Json.Utf8JsonWriter writer) => Dates.Write(writer, "user_time", Now);
}

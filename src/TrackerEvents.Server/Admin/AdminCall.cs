using TrackerEvents.Api;

namespace TrackerEvents.Admin;

/// <summary>What an admin handler gets: the request, its parameters, and the admin settings.</summary>
internal sealed record AdminCall(HttpContext Http, ApiParameters Parameters, AdminOptions Options)
{
    public CancellationToken Aborted => Http.RequestAborted;
}

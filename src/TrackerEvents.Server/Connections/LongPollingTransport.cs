using TrackerEvents.Protocol;
using TrackerEvents.Subscriptions;

namespace TrackerEvents.Connections;

/// <summary>
/// A long-polling client: each poll is held until the client's outbox has something (or a heartbeat is
/// due), then completed with what waits — every waiting message, each length-prefixed, when the client
/// tracks message size; otherwise exactly one, since messages run together in one body cannot be split.
/// Between polls the messages wait in the outbox and the transport stays attached.
/// </summary>
internal sealed class LongPollingTransport(HttpContext request, AtmosphereClient client, AtmosphereParameters parameters,
    TransportServices services)
    : HttpTransport(request, client, parameters, services)
{
    /// <summary>A response stops taking messages past this size; the rest goes in the next poll, which comes at once.</summary>
    private const int MaxResponseBytes = 1024 * 1024;

    public override string Name => AtmosphereTransports.LongPolling;

    protected override string RequestNoun => "poll";

    protected override async Task ServeCoreAsync(HttpContext http)
    {
        while (IsCurrent(http))
        {
            var messages = TakeResponse();
            if (messages.Count > 0)
            {
                await WriteAsync(http, default, messages);
                return;
            }

            await WaitAsync();
        }
    }

    private List<Payload> TakeResponse()
    {
        var messages = new List<Payload>();
        var bytes = 0;
        while ((messages.Count == 0 || (TrackMessageSize && bytes < MaxResponseBytes)) && TryTake(out var payload))
        {
            messages.Add(payload);
            bytes += payload.Utf8.Length;
        }

        return messages;
    }
}

using TrackerEvents.Protocol;
using TrackerEvents.Subscriptions;

namespace TrackerEvents.Connections;

/// <summary>
/// A streaming client: one response kept open, each message written and flushed as it comes. The
/// server ends a stream after <see cref="MaxStreamBytes"/> and the client opens the next one with the
/// same tracking id (this transport carries on). Without message length tracking, writes are spaced
/// <see cref="UntrackedSpacing"/> apart, one message each: browsers hand a stream to the page at most
/// every 50 ms, and two messages handed over together cannot be split.
/// </summary>
internal sealed class StreamingTransport(HttpContext request, AtmosphereClient client, AtmosphereParameters parameters,
    TransportServices services)
    : HttpTransport(request, client, parameters, services), ITimerTarget
{
    /// <summary>
    /// Below atmosphere.js's <c>maxStreamingLength</c> (10,000,000 characters; a UTF-8 byte count is never
    /// smaller), past which the client closes the stream itself with a close request, dropping its subscriptions.
    /// </summary>
    public const long MaxStreamBytes = 8_000_000;

    /// <summary>With message length tracking, one flush carries up to this much.</summary>
    private const int MaxFlushBytes = 64 * 1024;

    public static readonly TimeSpan UntrackedSpacing = TimeSpan.FromMilliseconds(60);

    private int _spacingScheduled;

    public override string Name => AtmosphereTransports.Streaming;

    protected override string RequestNoun => "stream request";

    protected override async Task ServeCoreAsync(HttpContext http)
    {
        long written = 0;
        while (IsCurrent(http))
        {
            if (!TrackMessageSize && Client.HasPendingFor(this) && UntrackedSpacing - Deadlines.SinceLastWrite is var wait && wait > TimeSpan.Zero)
            {
                if (Interlocked.Exchange(ref _spacingScheduled, 1) == 0)
                {
                    Services.Wheel.Schedule(this, 0, wait);
                }

                await WaitAsync();
                continue;
            }

            var messages = new List<Payload>();
            var bytes = 0;
            while ((messages.Count == 0 || (TrackMessageSize && bytes < MaxFlushBytes)) && TryTake(out var payload))
            {
                messages.Add(payload);
                bytes += payload.Utf8.Length;
            }

            if (messages.Count == 0)
            {
                await WaitAsync();
                continue;
            }

            await WriteAsync(http, default, messages);
            written += bytes;
            if (written >= MaxStreamBytes)
            {
                return; // the client opens the next stream; messages wait in the outbox meanwhile
            }
        }
    }

    void ITimerTarget.OnTimer(long token)
    {
        Volatile.Write(ref _spacingScheduled, 0);
        Signal();
    }
}

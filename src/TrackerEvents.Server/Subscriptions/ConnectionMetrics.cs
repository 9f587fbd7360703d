using System.Collections.Concurrent;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// The counters of the event endpoint that <c>/metrics</c> exports: messages written, connections ended and
/// clients released by <see cref="Disconnect"/> label. Written from any thread; reads are approximate.
/// </summary>
internal sealed class ConnectionMetrics
{
    private readonly ConcurrentDictionary<string, long> _disconnects = new(Disconnect.Labels.Select(l => KeyValuePair.Create(l, 0L)));
    private readonly ConcurrentDictionary<string, long> _releases = new(Disconnect.Labels.Select(l => KeyValuePair.Create(l, 0L)));
    private long _messagesSent;

    /// <summary>Messages written to clients since start (heartbeats included).</summary>
    public long MessagesSent => Interlocked.Read(ref _messagesSent);

    /// <summary>Connections that ended (or were refused), by reason.</summary>
    public IReadOnlyDictionary<string, long> Disconnects => _disconnects;

    /// <summary>Clients dropped for good, by reason.</summary>
    public IReadOnlyDictionary<string, long> Releases => _releases;

    public void CountSent(long messages) => Interlocked.Add(ref _messagesSent, messages);

    public void CountDisconnect(Disconnect reason) => _disconnects.AddOrUpdate(reason.Label, 1, static (_, n) => n + 1);

    public void CountRelease(Disconnect reason) => _releases.AddOrUpdate(reason.Label, 1, static (_, n) => n + 1);
}

using System.Collections.Concurrent;

namespace TrackerEvents.Subscriptions;

/// <summary>All clients of this process by tracking id, retained ones included.</summary>
internal sealed class ClientRegistry(ClientLimits limits, TimeProvider time, TimerWheel wheel, SubscriptionIndex index, ConnectionMetrics metrics,
    ILogger<AtmosphereClient> logger)
{
    private readonly ConcurrentDictionary<string, AtmosphereClient> _clients = new(StringComparer.Ordinal);
    private readonly ClientServices _services = new(limits, time, wheel, index, metrics, logger);
    private long _numbers;

    /// <summary>Clients known to this process, retained ones included.</summary>
    public int Clients => _clients.Count;

    /// <summary>
    /// The client for a connection: the retained one for a known tracking id, otherwise a new one
    /// (adopting the given id, as Atmosphere does after a server restart, or a fresh UUID).
    /// </summary>
    public (AtmosphereClient Client, bool Resumed) Connect(string? trackingId)
    {
        var id = trackingId ?? Guid.NewGuid().ToString();
        while (true)
        {
            if (_clients.TryGetValue(id, out var existing) && !existing.IsReleased)
            {
                return (existing, true);
            }

            // Requests with one unknown id can race (a stream and a POST after a restart): one client wins.
            var client = new AtmosphereClient(id, Interlocked.Increment(ref _numbers), _services, Forget);
            if (existing is null ? _clients.TryAdd(id, client) : _clients.TryUpdate(id, client, existing))
            {
                return (client, false);
            }

            client.Discard(); // lost the race: never seen by anyone
        }
    }

    /// <summary>The live (not released) client with this tracking id, if this process has one.</summary>
    public AtmosphereClient? Find(string trackingId) =>
        _clients.TryGetValue(trackingId, out var client) && !client.IsReleased ? client : null;

    /// <summary>The close request: releases the client with that tracking id, if this process has it.</summary>
    public bool Close(string? trackingId)
    {
        if (trackingId is null || !_clients.TryGetValue(trackingId, out var client))
        {
            return false;
        }

        client.Release(Disconnect.CloseRequest);
        return true;
    }

    /// <summary>Closes every connection (graceful shutdown); clients reconnect elsewhere.</summary>
    public void CloseAll(Disconnect reason)
    {
        foreach (var client in _clients.Values)
        {
            client.CloseTransport(reason);
        }
    }

    private void Forget(AtmosphereClient client) => _clients.TryRemove(KeyValuePair.Create(client.TrackingId, client));
}

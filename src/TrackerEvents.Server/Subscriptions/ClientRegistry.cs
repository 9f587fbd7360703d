using System.Collections.Concurrent;
using System.Net;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// All clients of this process, retained ones included. A client is named by its tracking id together with
/// the address it connects from: a reconnect, a poll, a push or a close request reaches a client only from
/// that client's address, so a tracking id seen by someone else (a proxy log, a shared screen) is not enough
/// to take over, read or close another client's stream. The same id from another address is another client.
/// </summary>
internal sealed class ClientRegistry(ClientLimits limits, TimeProvider time, TimerWheel wheel, SubscriptionIndex index, ConnectionMetrics metrics,
    BatchFrames frames, ILogger<AtmosphereClient> logger)
{
    private readonly ConcurrentDictionary<ClientKey, AtmosphereClient> _clients = new();
    private readonly ClientServices _services = new(limits, time, wheel, index, metrics, frames, logger);
    private long _numbers;

    /// <summary>Clients known to this process, retained ones included.</summary>
    public int Clients => _clients.Count;

    /// <summary>
    /// The client for a connection from <paramref name="address"/>: the retained one for a known tracking id
    /// from that address, otherwise a new one (adopting the given id, as Atmosphere does after a server restart,
    /// or a fresh one from <see cref="TrackingIds.New"/>).
    /// </summary>
    public (AtmosphereClient Client, bool Resumed) Connect(string? trackingId, IPAddress? address)
    {
        var key = new ClientKey(trackingId ?? TrackingIds.New(), address);
        while (true)
        {
            if (_clients.TryGetValue(key, out var existing) && !existing.IsReleased)
            {
                return (existing, true);
            }

            // Requests with one unknown id can race (a stream and a POST after a restart): one client wins.
            var client = new AtmosphereClient(key.TrackingId, address, Interlocked.Increment(ref _numbers), _services, Forget);
            if (existing is null ? _clients.TryAdd(key, client) : _clients.TryUpdate(key, client, existing))
            {
                return (client, false);
            }

            client.Discard(); // lost the race: never seen by anyone
        }
    }

    /// <summary>The live (not released) client with this tracking id from this address, if this process has one.</summary>
    public AtmosphereClient? Find(string trackingId, IPAddress? address) =>
        _clients.TryGetValue(new ClientKey(trackingId, address), out var client) && !client.IsReleased ? client : null;

    /// <summary>A live client with this tracking id from any address (for operators and tests; looks through every client).</summary>
    public AtmosphereClient? Find(string trackingId) =>
        _clients.FirstOrDefault(c => c.Key.TrackingId == trackingId && !c.Value.IsReleased).Value;

    /// <summary>The close request: releases the client with that tracking id from that address, if this process has it.</summary>
    public bool Close(string? trackingId, IPAddress? address)
    {
        if (trackingId is null || !_clients.TryGetValue(new ClientKey(trackingId, address), out var client))
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

    private void Forget(AtmosphereClient client) => _clients.TryRemove(KeyValuePair.Create(new ClientKey(client.TrackingId, client.Address), client));

    private readonly record struct ClientKey(string TrackingId, IPAddress? Address);
}

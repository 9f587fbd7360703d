using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using TrackerEvents.Subscriptions;

namespace TrackerEvents.Connections;

/// <summary>
/// All clients of this process by tracking id, and the shared pieces they use (the timer wheel, the
/// subscription index, the limits). Counts live connections against <see cref="AtmosphereOptions.MaxConnections"/>
/// and, per client address, <see cref="AtmosphereOptions.MaxConnectionsPerAddress"/>.
/// </summary>
internal sealed partial class ClientRegistry(
    TimerWheel wheel, TimeProvider time, IOptions<AtmosphereOptions> options, SubscriptionIndex index, ILogger<ClientRegistry> logger)
{
    private readonly ConcurrentDictionary<string, AtmosphereClient> _clients = new(StringComparer.Ordinal);
    private long _numbers;
    private readonly ConcurrentDictionary<IPAddress, int> _perAddress = new();
    private int _connections;
    private long _refused;
    private long _messagesSent;

    public TimerWheel Wheel => wheel;

    public TimeProvider Time => time;

    public AtmosphereOptions Options => options.Value;

    public SubscriptionIndex Index => index;

    /// <summary><see cref="AtmosphereOptions.Transports"/>, parsed.</summary>
    public IReadOnlySet<string> ServedTransports { get; } = AtmosphereTransports.Parse(options.Value.Transports);

    /// <summary>Live transports (WebSockets and held HTTP requests).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Clients known to this process, retained ones included.</summary>
    public int Clients => _clients.Count;

    /// <summary>Connections refused at the process or address limit since start.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Messages written to clients since start (heartbeats included).</summary>
    public long MessagesSent => Interlocked.Read(ref _messagesSent);

    /// <summary>Counts messages a transport wrote.</summary>
    public void CountSent(long messages) => Interlocked.Add(ref _messagesSent, messages);

    /// <summary>
    /// Takes a connection slot for a client at <paramref name="address"/> (null: not counted per address),
    /// unless the process or that address is at its limit. Give it back with <see cref="CloseConnection"/>.
    /// </summary>
    public ConnectionAdmission TryOpenConnection(IPAddress? address)
    {
        if (Interlocked.Increment(ref _connections) > Options.MaxConnections)
        {
            Interlocked.Decrement(ref _connections);
            Interlocked.Increment(ref _refused);
            return ConnectionAdmission.ProcessFull;
        }

        if (address is not null && _perAddress.AddOrUpdate(address, 1, (_, n) => n + 1) > Options.MaxConnectionsPerAddress)
        {
            CloseConnection(address);
            Interlocked.Increment(ref _refused);
            return ConnectionAdmission.AddressFull;
        }

        return ConnectionAdmission.Admitted;
    }

    /// <summary>Gives back a slot taken by <see cref="TryOpenConnection"/> with the same address.</summary>
    public void CloseConnection(IPAddress? address)
    {
        // An address's entry goes when its last connection does, so the map holds only live addresses.
        while (address is not null && _perAddress.TryGetValue(address, out var n)
            && !(n <= 1 ? _perAddress.TryRemove(KeyValuePair.Create(address, n)) : _perAddress.TryUpdate(address, n - 1, n)))
        {
        }

        Interlocked.Decrement(ref _connections);
    }

    /// <summary>Addresses holding at least one connection.</summary>
    public int Addresses => _perAddress.Count;

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
            var client = new AtmosphereClient(id, Interlocked.Increment(ref _numbers), this);
            if (existing is null ? _clients.TryAdd(id, client) : _clients.TryUpdate(id, client, existing))
            {
                return (client, false);
            }

            client.ReleaseCore(); // lost the race: never seen by anyone, its retention timer does nothing
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

        Release(client, "close request");
        return true;
    }

    /// <summary>Drops a client for good: its subscriptions, retention and connection.</summary>
    public void Release(AtmosphereClient client, string reason)
    {
        _clients.TryRemove(new KeyValuePair<string, AtmosphereClient>(client.TrackingId, client));
        if (client.ReleaseCore() is { } transport)
        {
            transport.Abort(reason);
        }

        LogReleased(logger, client.Number, client.TrackingId, reason);
    }

    /// <summary>Releases a client from a context that holds its lock.</summary>
    public void ReleaseLater(AtmosphereClient client, string reason) =>
        ThreadPool.QueueUserWorkItem(static state => state.Registry.Release(state.Client, state.Reason), (Registry: this, Client: client, Reason: reason),
            preferLocal: false);

    /// <summary>Closes every connection (graceful shutdown); clients reconnect elsewhere.</summary>
    public void CloseAll(string reason)
    {
        foreach (var client in _clients.Values)
        {
            client.CloseTransport(reason);
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Client {ClientNumber} ({TrackingId}) released: {Reason}")]
    private static partial void LogReleased(ILogger logger, long clientNumber, string trackingId, string reason);
}

/// <summary>What <see cref="ClientRegistry.TryOpenConnection"/> decided.</summary>
internal enum ConnectionAdmission
{
    Admitted,
    ProcessFull,
    AddressFull,
}

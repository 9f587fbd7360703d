using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;

namespace TrackerEvents.Connections;

/// <summary>
/// Live connections (WebSockets, held polls, open streams) counted against <see cref="AtmosphereOptions.MaxConnections"/>
/// and, per client address, <see cref="AtmosphereOptions.MaxConnectionsPerAddress"/>.
/// </summary>
internal sealed class ConnectionSlots(IOptions<AtmosphereOptions> options)
{
    private readonly ConcurrentDictionary<IPAddress, int> _perAddress = new();
    private int _connections;
    private long _refused;

    /// <summary>Live transports (WebSockets and held HTTP requests).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Addresses holding at least one connection.</summary>
    public int Addresses => _perAddress.Count;

    /// <summary>Connections refused at the process or address limit since start.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>
    /// Takes a connection slot for a client at <paramref name="address"/> (null: not counted per address),
    /// unless the process or that address is at its limit. Give it back with <see cref="Release"/>.
    /// </summary>
    public ConnectionAdmission TryTake(IPAddress? address)
    {
        if (Interlocked.Increment(ref _connections) > options.Value.MaxConnections)
        {
            Interlocked.Decrement(ref _connections);
            Interlocked.Increment(ref _refused);
            return ConnectionAdmission.ProcessFull;
        }

        if (!TryTakeAddress(address))
        {
            Interlocked.Decrement(ref _connections);
            return ConnectionAdmission.AddressFull;
        }

        return ConnectionAdmission.Admitted;
    }

    /// <summary>
    /// Counts a short request (a push) against its address's share only, not the process's connections: a
    /// client whose poll holds a slot must still be able to push. False when the address holds its share.
    /// Give it back with <see cref="ReleaseAddress"/>.
    /// </summary>
    public bool TryTakeAddress(IPAddress? address)
    {
        if (address is null || _perAddress.AddOrUpdate(address, 1, (_, n) => n + 1) <= options.Value.MaxConnectionsPerAddress)
        {
            return true;
        }

        ReleaseAddress(address);
        Interlocked.Increment(ref _refused);
        return false;
    }

    /// <summary>Gives back a slot taken by <see cref="TryTake"/> with the same address.</summary>
    public void Release(IPAddress? address)
    {
        ReleaseAddress(address);
        Interlocked.Decrement(ref _connections);
    }

    /// <summary>Gives back an address's count taken by <see cref="TryTakeAddress"/>.</summary>
    public void ReleaseAddress(IPAddress? address)
    {
        // An address's entry goes when its last connection does, so the map holds only live addresses.
        while (address is not null && _perAddress.TryGetValue(address, out var n)
            && !(n <= 1 ? _perAddress.TryRemove(KeyValuePair.Create(address, n)) : _perAddress.TryUpdate(address, n - 1, n)))
        {
        }
    }
}

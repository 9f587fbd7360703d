using System.Buffers;
using System.Runtime.InteropServices;
using TrackerEvents.Messages;
using TrackerEvents.Subscriptions;

namespace TrackerEvents.Dispatch;

/// <summary>
/// Consecutive state changes of one dispatch, handed to their watchers client by client: each client takes all
/// of its changes of the run, in feed order, under one take of its lock. Routed change by change instead, a
/// control room's 50 connections were reached in turn for each of 10,000 changes a second, each time in two
/// dictionaries of 10,000 entries that no longer were in the core's cache (docs/performance.md, "Client by
/// client, and three round trips"). All of a run's clients take it in one turn (<paramref name="turn"/>, <see cref="TimerWheel.Turn"/>):
/// no batch frame is built in between. The transports of the clients that then have something to send write it
/// after the turn, or in a wide run as soon as their share is delivered, from what the same take of each client's
/// lock saw. The dispatcher's own: not thread-safe, except that a wide run's shares deliver their slots at once.
/// </summary>
internal sealed class StateRun(Lock turn)
{
    /// <summary>Changes after which a run is delivered even when more states follow (a bound on the lists it holds).</summary>
    public const int MaxChanges = 512;

    // The lists are kept for the next run, emptied, as long as they hold no more than this many entries together
    // (512 KB): a control room's 50 lists of up to 512 stay, and a burst that gave thousands of clients long
    // lists leaves no memory behind. A list can hold no more than MaxChanges: each change is in it once.
    private const int MaxHeld = 65_536;

    /// <summary>
    /// Runs of up to this many clients are delivered on the dispatcher's thread and their transports woken with a
    /// work item each: any free worker takes the next, and a run of a few hundred, as in many viewers' 100 a commit,
    /// was no faster in shares (docs/performance.md).
    /// </summary>
    internal const int WakeOneByOne = 256;

    private readonly Dictionary<AtmosphereClient, int> _slotOf = [];
    private readonly List<AtmosphereClient> _clients = []; // by slot
    private readonly List<List<StateRendering>> _slots = [];
    private readonly object _sharesGate = new(); // Monitor.Wait: not a Lock
    private int _sharesDelivering;
    private int _changes;

    public bool IsFull => _changes >= MaxChanges;

    /// <summary>Queues a state for each of its watchers.</summary>
    public void Add(StateRendering state, AtmosphereClient[] watchers)
    {
        foreach (var client in watchers)
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_slotOf, client, out var exists);
            if (!exists)
            {
                slot = _clients.Count;
                _clients.Add(client);
                if (slot == _slots.Count)
                {
                    _slots.Add([]);
                }
            }

            _slots[slot].Add(state);
        }

        _changes++;
    }

    /// <summary>
    /// Hands every client its states of the run, then has the transports of those with something to send write it,
    /// off the turn (<see cref="IClientTransport.WriteNow"/>); the run is then empty.
    /// </summary>
    public void Deliver()
    {
        if (_changes == 0)
        {
            return;
        }

        if (_clients.Count <= WakeOneByOne)
        {
            DeliverOneByOne();
        }
        else
        {
            DeliverInShares();
        }

        _slotOf.Clear();
        _clients.Clear();
        if (_clients.Capacity > MaxHeld)
        {
            _clients.Capacity = 0;
        }

        _changes = 0;
    }

    /// <summary>
    /// The states of clients <paramref name="start"/> to <paramref name="end"/> (slots) into their outboxes; the
    /// transports that now have something to send go into <paramref name="woken"/>, and the count is returned. The
    /// slots' lists are emptied, and dropped past <paramref name="maxHeld"/> entries of capacity. Called for disjoint
    /// ranges from several threads at once (<see cref="RunShare"/>): it writes only its own slots.
    /// </summary>
    internal int DeliverSlots(int start, int end, IClientTransport[] woken, int maxHeld)
    {
        var clients = CollectionsMarshal.AsSpan(_clients);
        var slots = CollectionsMarshal.AsSpan(_slots); // not the indexer: its setter bumps the list's version, shared by every share
        var count = 0;
        var held = 0;
        for (var slot = start; slot < end; slot++)
        {
            var states = slots[slot];
            if (clients[slot].Subscriptions.DeliverStates(states) && clients[slot].Transport is { } transport)
            {
                woken[count++] = transport;
            }

            states.Clear();
            if ((held += states.Capacity) > maxHeld)
            {
                slots[slot] = [];
            }
        }

        return count;
    }

    /// <summary>A share of the wide run is delivered (<see cref="RunShare"/>, from its thread).</summary>
    internal void ShareDelivered()
    {
        lock (_sharesGate)
        {
            if (--_sharesDelivering == 0)
            {
                Monitor.PulseAll(_sharesGate);
            }
        }
    }

    private void DeliverOneByOne()
    {
        var woken = ArrayPool<IClientTransport>.Shared.Rent(_clients.Count);
        int count;
        lock (turn)
        {
            count = DeliverSlots(0, _clients.Count, woken, MaxHeld);
        }

        foreach (var transport in woken.AsSpan(0, count))
        {
            transport.OnDataAvailable();
        }

        ArrayPool<IClientTransport>.Shared.Return(woken, clearArray: true);
    }

    /// <summary>
    /// A wide run (a broadcast) in one share per core, as (a)'s loop partitions its sockets: 15,000 clients taken in
    /// turn on the dispatcher's thread, then 15,000 work items, were what one broadcast change cost over that loop.
    /// Each share is queued; the dispatcher takes those that no worker has started, and waits for the others to
    /// finish delivering before it leaves the turn, so the next run reaches each client after this one. A worker
    /// writes its share as soon as it is delivered; a write that has to wait goes on by itself later and holds up
    /// nobody in its share.
    /// </summary>
    private void DeliverInShares()
    {
        var clients = _clients.Count;
        var partitions = Environment.ProcessorCount;
        var size = (clients + partitions - 1) / partitions;
        var shares = new RunShare[(clients + size - 1) / size];
        lock (turn)
        {
            _sharesDelivering = shares.Length;
            for (var i = 0; i < shares.Length; i++)
            {
                shares[i] = new RunShare(this, i * size, Math.Min(clients, (i + 1) * size), MaxHeld / shares.Length);
                ThreadPool.UnsafeQueueUserWorkItem(shares[i], preferLocal: false);
            }

            for (var i = shares.Length - 1; i >= 0; i--)
            {
                shares[i].TryDeliver(onWorker: false);
            }

            // Only for shares that a worker is delivering: the rest were taken here.
            lock (_sharesGate)
            {
                while (_sharesDelivering > 0)
                {
                    Monitor.Wait(_sharesGate);
                }
            }
        }

        foreach (var share in shares)
        {
            if (share.LeftToWrite)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static share => share.Write(), share, preferLocal: false);
            }
        }

        foreach (var share in shares)
        {
            share.Failure?.Throw();
        }
    }
}

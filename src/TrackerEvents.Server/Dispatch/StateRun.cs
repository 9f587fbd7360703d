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
/// no batch frame is built in between. The transports of the clients that then have something to send write it right
/// after the turn, from what the same take of each client's lock saw. The dispatcher's own: not thread-safe.
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
    /// Up to this many transports of a run are woken with a work item each: any free worker takes the next, and
    /// a run of a few hundred, as in many viewers' 100 a commit, was no faster in shares (docs/performance.md).
    /// </summary>
    internal const int WakeOneByOne = 256;

    private readonly Dictionary<AtmosphereClient, int> _slotOf = [];
    private readonly List<List<StateRendering>> _slots = [];
    private readonly List<IClientTransport> _woken = [];
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
                slot = _slotOf.Count - 1;
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
    /// off every lock (<see cref="IClientTransport.WriteNow"/>); the run is then empty.
    /// </summary>
    public void Deliver()
    {
        if (_changes > 0)
        {
            lock (turn)
            {
                DeliverInTurn();
            }

            Wake();
            _woken.Clear();
            if (_woken.Capacity > MaxHeld)
            {
                _woken.Capacity = 0;
            }
        }
    }

    /// <summary>
    /// Wakes the transports of the run: up to <see cref="WakeOneByOne"/> with a thread-pool work item each, more
    /// in one work item per core, each of which has its share of the transports write in turn on its thread, as
    /// (a)'s loop does: 15,000 work items for one broadcast change were what it cost over that loop. A write that
    /// has to wait (a full socket) goes on by itself later and holds up nobody in its share.
    /// </summary>
    private void Wake()
    {
        if (_woken.Count <= WakeOneByOne)
        {
            foreach (var transport in _woken)
            {
                transport.OnDataAvailable();
            }

            return;
        }

        // A share's transports in a pooled array: 15,000 references copied into new arrays were 120 KB per broadcast change.
        var partitions = Environment.ProcessorCount;
        var size = (_woken.Count + partitions - 1) / partitions;
        for (var start = 0; start < _woken.Count; start += size)
        {
            var count = Math.Min(size, _woken.Count - start);
            var share = ArrayPool<IClientTransport>.Shared.Rent(count);
            _woken.CopyTo(start, share, 0, count);
            ThreadPool.UnsafeQueueUserWorkItem(static share =>
            {
                foreach (var transport in share.Transports.AsSpan(0, share.Count))
                {
                    transport.WriteNow();
                }

                ArrayPool<IClientTransport>.Shared.Return(share.Transports, clearArray: true);
            }, (Transports: share, Count: count), preferLocal: false);
        }
    }

    private void DeliverInTurn()
    {
        var held = 0;
        foreach (var (client, slot) in _slotOf)
        {
            var states = _slots[slot];
            if (client.Subscriptions.DeliverStates(states) && client.Transport is { } transport)
            {
                _woken.Add(transport);
            }

            states.Clear();
            if ((held += states.Capacity) > MaxHeld)
            {
                _slots[slot] = [];
            }
        }

        _slotOf.Clear();
        _changes = 0;
    }
}

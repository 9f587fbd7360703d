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
/// no batch frame is built in between. A client's transport is woken as soon as its states are in its outbox, from what
/// the same take of its lock saw. The dispatcher's own: not thread-safe.
/// </summary>
internal sealed class StateRun(Lock turn)
{
    /// <summary>Changes after which a run is delivered even when more states follow (a bound on the lists it holds).</summary>
    public const int MaxChanges = 512;

    // The lists are kept for the next run, emptied, as long as they hold no more than this many entries together
    // (512 KB): a control room's 50 lists of up to 512 stay, and a burst that gave thousands of clients long
    // lists leaves no memory behind. A list can hold no more than MaxChanges: each change is in it once.
    private const int MaxHeld = 65_536;

    private readonly Dictionary<AtmosphereClient, int> _slotOf = [];
    private readonly List<List<StateRendering>> _slots = [];
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

    /// <summary>Hands every client its states of the run and wakes its transport if it has something to send; the run is then empty.</summary>
    public void Deliver()
    {
        if (_changes > 0)
        {
            lock (turn)
            {
                DeliverInTurn();
            }
        }
    }

    private void DeliverInTurn()
    {
        var held = 0;
        foreach (var (client, slot) in _slotOf)
        {
            var states = _slots[slot];
            if (client.Subscriptions.DeliverStates(states))
            {
                client.Transport?.OnDataAvailable();
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

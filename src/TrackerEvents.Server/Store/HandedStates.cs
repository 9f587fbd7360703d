using TrackerEvents.Tracking;

namespace TrackerEvents.Store;

/// <summary>
/// The state changes one write makes, each with its version and the JSON its row stores, collected inside the
/// transaction: after the commit they are remembered (<see cref="WrittenStates"/>, by their JSON) and handed to
/// this process's dispatcher (<see cref="ChangeHandoff"/>, parsed). Not thread-safe: one write's own.
/// </summary>
internal sealed class HandedStates
{
    private readonly List<StateChange> _changes = [];
    private readonly List<byte[]> _json = [];

    public int Count => _changes.Count;

    /// <summary>The changes, in the order added.</summary>
    public List<StateChange> Changes => _changes;

    /// <summary>The stored JSON (UTF-8) of each change, in the same order.</summary>
    public IReadOnlyList<byte[]> Json => _json;

    /// <param name="json">What the change's row stores: <paramref name="change"/>'s state must be exactly what it reads back as.</param>
    public void Add(StateChange change, byte[] json)
    {
        _changes.Add(change);
        _json.Add(json);
    }
}

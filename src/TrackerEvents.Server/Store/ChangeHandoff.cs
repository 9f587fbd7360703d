using TrackerEvents.Tracking;

namespace TrackerEvents.Store;

/// <summary>
/// The state changes this process has committed, with their versions, handed to its dispatcher in process
/// so that it need not read them back from the change feed and parse them again. Only a shortcut: the
/// dispatcher takes a hand-over only when its versions continue its watermark without a gap; otherwise
/// (another node's or another program's write came between, a hand-over was dropped) it reads the feed,
/// which has everything in version order. Posted after the commit, never before.
/// </summary>
internal sealed class ChangeHandoff
{
    /// <summary>Hand-overs kept for a dispatcher that does not take them (it is reading the feed, or failing): a bound on memory.</summary>
    public const int MaxPending = 256;

    private readonly Lock _gate = new();
    private List<HandedChanges> _pending = [];
    private int _writing;

    /// <summary>
    /// Writes of this process under way (<see cref="WriteStarted"/> to <see cref="WriteEnded"/>): while one is, the
    /// database's announcement of a version may be of a commit whose hand-over is still to come (the announcement
    /// and the write's answer reach the node at the same time, on two connections).
    /// </summary>
    public int Writing => Volatile.Read(ref _writing);

    /// <summary>A write of this process begins: what it commits may be handed over.</summary>
    public void WriteStarted() => Interlocked.Increment(ref _writing);

    /// <summary>A write of this process has ended (after its hand-over, if any, was posted).</summary>
    public void WriteEnded() => Interlocked.Decrement(ref _writing);

    /// <summary>Hands over the changes of one committed transaction (<paramref name="committedAt"/>: a timestamp, for the phase timings).</summary>
    public void Post(List<StateChange> changes, long committedAt)
    {
        if (changes.Count == 0)
        {
            return;
        }

        changes.Sort(static (a, b) => a.Version.CompareTo(b.Version));
        var handed = new HandedChanges(changes, committedAt);
        lock (_gate)
        {
            if (_pending.Count >= MaxPending)
            {
                _pending.RemoveAt(0); // a gap: the dispatcher will read these from the feed
            }

            _pending.Add(handed);
        }
    }

    /// <summary>Takes every hand-over, in version order.</summary>
    public List<HandedChanges> TakeAll()
    {
        List<HandedChanges> taken;
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return [];
            }

            (taken, _pending) = (_pending, []);
        }

        taken.Sort(static (a, b) => a.First.CompareTo(b.First));
        return taken;
    }
}

/// <summary>The state changes of one committed transaction, in version order.</summary>
internal sealed class HandedChanges(IReadOnlyList<StateChange> changes, long committedAt)
{
    public IReadOnlyList<StateChange> Changes => changes;

    public long First => changes[0].Version;

    public long Last => changes[^1].Version;

    /// <summary>When the transaction committed (a <see cref="TimeProvider"/> timestamp).</summary>
    public long CommittedAt => committedAt;

    /// <summary>
    /// The versions are consecutive: the transaction made no other version between its first and its last
    /// (two writes of one tracker in one transaction leave one row at the later version, hence a gap).
    /// </summary>
    public bool Contiguous => Last - First + 1 == changes.Count;

    /// <summary>The latest change of each tracker in hand-overs taken together (in version order), in version order.</summary>
    public static List<StateChange> Conflate(IEnumerable<HandedChanges> chain)
    {
        var latest = new Dictionary<long, StateChange>();
        foreach (var change in chain.SelectMany(h => h.Changes))
        {
            latest[change.TrackerId] = change;
        }

        return [.. latest.Values.OrderBy(c => c.Version)];
    }
}

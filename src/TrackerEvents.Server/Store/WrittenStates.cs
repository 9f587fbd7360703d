using System.Buffers;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text.Json;
using TrackerEvents.Tracking;

namespace TrackerEvents.Store;

/// <summary>
/// The states this process committed, each with the version its row got. A merge, the change feed or a read that
/// finds a tracker's row at exactly that version takes the state from here instead of reading its JSON again:
/// reading and parsing a stored state was the largest cost of a group commit after the SQL itself. A row at any
/// other version (another writer's, another node's) is read and parsed as usual, so an entry is a shortcut that
/// can miss, never a stale answer.
/// </summary>
/// <remarks>
/// Why a version is enough: the versioning triggers stamp every write of a state row with a new version
/// from the change counter, whoever writes it, and a committed version is never given out again. A
/// rolled-back transaction can hand its version to a later writer (SQLite's counter rolls back with it), so
/// states are remembered only once their transaction has committed (<see cref="Remember"/>, called by
/// <see cref="Database"/>). A state is kept exactly as its JSON reads back (<see cref="Serialize"/>), or as that JSON.
/// <para>
/// How it is kept depends on how soon it is likely to be needed. A tracker written again within
/// <see cref="HotWithin"/> (a device reporting every second) keeps its parsed state: its next merge comes soon, and
/// the state dies young. Any other keeps its state as the JSON its row stores, copied outside the young generation
/// (the pinned object heap), and a hit parses it (~1.2 µs, <see cref="StoredStateReader"/>). Such an entry lives until its tracker's next write, a minute
/// or more later: as parsed objects it outlived every young collection, each of which found it through the older
/// dictionary and copied it on. With 2,000 changes/s over 150,000 trackers that was ~4 MB a collection, and pauses of
/// 17–35 ms (docs/performance.md, "Cold states kept as JSON").
/// </para>
/// </remarks>
internal sealed class WrittenStates(TimeProvider time)
{
    /// <summary>Entries kept before the cache starts over (one per tracker written; a bound on memory).</summary>
    public const int Capacity = 500_000;

    /// <summary>A tracker written again within this time keeps its state parsed; else as JSON.</summary>
    public static readonly TimeSpan HotWithin = TimeSpan.FromSeconds(5);

    // A plain dictionary under a lock: ConcurrentDictionary.Count takes every one of its locks, and
    // checking it per write took 40 % of the upsert's time in a profile of the devices benchmark.
    private readonly Dictionary<long, Entry> _states = [];
    private readonly Lock _gate = new();

    /// <summary>The state of a tracker whose row is at <paramref name="version"/>, if this process committed it.</summary>
    public bool TryGet(long trackerId, long version, [NotNullWhen(true)] out TrackerState? state)
    {
        state = TryGetEntry(trackerId, out var entry) && entry.Version == version ? entry.ReadState() : null;
        return state is not null;
    }

    /// <summary>
    /// The last state this process committed for a tracker, with its version and the owner, source and blocked flag
    /// it was committed with, if it remembers one.
    /// </summary>
    public bool TryGetLatest(long trackerId, [NotNullWhen(true)] out StateChange? latest)
    {
        latest = TryGetEntry(trackerId, out var entry)
            ? new StateChange(entry.Version, trackerId, entry.UserId, entry.SourceId, entry.Blocked, entry.ReadState())
            : null;
        return latest is not null;
    }

    /// <summary>Whether a tracker's remembered state is kept parsed (true), as JSON (false), or not at all (null).</summary>
    public bool? IsParsed(long trackerId) => TryGetEntry(trackerId, out var entry) ? entry.Parsed is not null : null;

    /// <summary>The stored state of a tracker, from its row's version and JSON.</summary>
    public TrackerState Read(long trackerId, long version, string json) =>
        TryGet(trackerId, version, out var state) ? state : StoredStateReader.Read(json);

    /// <inheritdoc cref="Read(long, long, string)"/>
    public TrackerState Read(long trackerId, long version, byte[] json) =>
        TryGet(trackerId, version, out var state) ? state : StoredStateReader.Read(json);

    /// <summary>
    /// Remembers committed states (call only after their commit). Of two writers racing to remember the same
    /// tracker, the higher version stays.
    /// </summary>
    public void Remember(HandedStates committed)
    {
        var now = time.GetTimestamp();
        byte[]? copied = null; // trackers created together share one JSON: one copy serves them all
        byte[]? copiedFrom = null;
        lock (_gate)
        {
            if (_states.Count + committed.Count > Capacity)
            {
                _states.Clear();
            }

            for (var i = 0; i < committed.Count; i++)
            {
                var change = committed.Changes[i];
                ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_states, change.TrackerId, out var exists);
                if (exists && entry.Version >= change.Version)
                {
                    continue;
                }

                if (exists && time.GetElapsedTime(entry.WrittenAt, now) < HotWithin)
                {
                    entry = new Entry(change.Version, change.UserId, change.SourceId, change.Blocked, now, change.State, null);
                    continue;
                }

                if (!ReferenceEquals(committed.Json[i], copiedFrom))
                {
                    copiedFrom = committed.Json[i];
                    copied = GC.AllocateUninitializedArray<byte>(copiedFrom.Length, pinned: true);
                    copiedFrom.CopyTo(copied, 0);
                }

                entry = new Entry(change.Version, change.UserId, change.SourceId, change.Blocked, now, null, copied);
            }
        }
    }

    private bool TryGetEntry(long trackerId, out Entry entry)
    {
        lock (_gate)
        {
            return _states.TryGetValue(trackerId, out entry);
        }
    }

    /// <summary>
    /// The JSON to store (UTF-8) for <paramref name="state"/>. One <see cref="Writer"/> serves one merge (not shared
    /// between threads).
    /// </summary>
    /// <param name="stored">The state as it reads back from the JSON returned (what <see cref="Remember"/> takes).</param>
    public static byte[] Serialize(TrackerState state, Writer writer, out TrackerState stored)
    {
        stored = ToMilliseconds(state);
        return writer.Write(stored);
    }

    /// <summary>The state with every time truncated to whole milliseconds, as the stored form writes it.</summary>
    internal static TrackerState ToMilliseconds(TrackerState s)
    {
        if (IsWhole(s.Gps.Updated) && IsWhole(s.MovementStatusUpdate) && IsWhole(s.IgnitionUpdate) && IsWhole(s.Gsm?.Updated)
            && IsWhole(s.LastUpdate) && IsWhole(s.BatteryUpdate) && IsWhole(s.InputsUpdate) && IsWhole(s.OutputsUpdate)
            && IsWhole(s.ActualTrackUpdate) && AllWhole(s.Additional))
        {
            return s; // no copy: a device's point, merged at a whole millisecond (ToMilliseconds(now)), is the common case
        }

        var additional = s.Additional;
        foreach (var (key, value) in s.Additional)
        {
            if (value.Updated is { } updated && Ms(updated) != updated.UtcTicks)
            {
                additional = additional.SetItem(key, value with { Updated = Truncate(value.Updated) });
            }
        }

        return s with
        {
            Gps = s.Gps with { Updated = Truncate(s.Gps.Updated) },
            MovementStatusUpdate = Truncate(s.MovementStatusUpdate),
            IgnitionUpdate = Truncate(s.IgnitionUpdate),
            Gsm = s.Gsm is { } gsm ? gsm with { Updated = Truncate(gsm.Updated) } : null,
            LastUpdate = Truncate(s.LastUpdate),
            BatteryUpdate = Truncate(s.BatteryUpdate),
            InputsUpdate = Truncate(s.InputsUpdate),
            OutputsUpdate = Truncate(s.OutputsUpdate),
            Additional = additional,
            ActualTrackUpdate = Truncate(s.ActualTrackUpdate),
        };
    }

    /// <summary>The time truncated to a whole millisecond, in UTC, as the stored form keeps it.</summary>
    internal static DateTimeOffset ToMilliseconds(DateTimeOffset time) => new(Ms(time), TimeSpan.Zero);

    private static bool AllWhole(ImmutableSortedDictionary<string, AdditionalValue> additional)
    {
        foreach (var (_, value) in additional)
        {
            if (!IsWhole(value.Updated))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsWhole(DateTimeOffset? time) => time is not { } t || t.Offset == TimeSpan.Zero && Ms(t) == t.UtcTicks;

    private static DateTimeOffset? Truncate(DateTimeOffset? time) =>
        time is { } t ? new DateTimeOffset(Ms(t), TimeSpan.Zero) : null;

    private static long Ms(DateTimeOffset time) => time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMillisecond;

    /// <summary>A reusable buffer and JSON writer for the states of one merge.</summary>
    internal sealed class Writer : IDisposable
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(8192);
        private readonly Utf8JsonWriter _json;

        public Writer() => _json = new Utf8JsonWriter(_buffer, JsonOutput.Options);

        public byte[] Write(TrackerState state)
        {
            _buffer.ResetWrittenCount();
            _json.Reset();
            StateWriter.WriteCanonical(_json, state);
            _json.Flush();
            return _buffer.WrittenSpan.ToArray();
        }

        public void Dispose() => _json.Dispose();
    }

    /// <summary>
    /// A committed state: its row's version, the owner, source and blocked flag it was written with, when it was
    /// remembered, and the state, either parsed or as its JSON (on the pinned object heap).
    /// </summary>
    private readonly record struct Entry(long Version, long UserId, long SourceId, bool Blocked, long WrittenAt, TrackerState? Parsed, byte[]? Json)
    {
        /// <summary>The state: the parsed one, or its JSON parsed now (a new instance each call).</summary>
        public TrackerState ReadState() => Parsed ?? StoredStateReader.Read(Json!);
    }
}

using System.Buffers;
using System.Text;
using System.Text.Json;
using TrackerEvents.Tracking;

namespace TrackerEvents.Store;

/// <summary>
/// The states this process last wrote, with the JSON they were written as. A merge (or the change feed)
/// that reads back exactly that JSON takes the state from here instead of parsing it again: parsing a stored state was
/// the largest cost of a group commit after the SQL itself (8.7 KB and a JSON parse per point). Any other
/// content — another writer's, a rolled-back write's — is parsed as usual, so an entry is a shortcut that
/// can miss, never a stale answer. For that the state must be exactly what its JSON reads back as:
/// <see cref="Serialize"/> truncates its times to the milliseconds that the stored form keeps.
/// </summary>
internal sealed class WrittenStates
{
    /// <summary>Entries kept before the cache starts over (one per tracker written; a bound on memory).</summary>
    public const int Capacity = 500_000;

    // A plain dictionary under a lock: ConcurrentDictionary.Count takes every one of its locks, and
    // checking it per write took 40 % of the upsert's time in a profile of the devices benchmark.
    private readonly Dictionary<long, Entry> _states = [];
    private readonly Lock _gate = new();

    /// <summary>The stored state of a tracker, from its stored JSON.</summary>
    public TrackerState Read(long trackerId, string json)
    {
        Entry? known;
        lock (_gate)
        {
            _states.TryGetValue(trackerId, out known);
        }

        return known is not null && string.Equals(known.Json, json, StringComparison.Ordinal) ? known.State : StateStore.ParseStored(json);
    }

    /// <summary>
    /// The JSON to store for <paramref name="state"/>, remembered with the state it reads back as. One
    /// <see cref="Writer"/> serves one merge (not shared between threads).
    /// </summary>
    /// <param name="stored">The state as it reads back from the JSON returned.</param>
    public string Serialize(long trackerId, TrackerState state, Writer writer, out TrackerState stored)
    {
        var exact = stored = ToMilliseconds(state);
        var json = writer.Write(exact);
        lock (_gate)
        {
            if (_states.Count >= Capacity)
            {
                _states.Clear();
            }

            _states[trackerId] = new Entry(json, exact);
        }

        return json;
    }

    /// <summary>The state with every time truncated to whole milliseconds, as the stored form writes it.</summary>
    internal static TrackerState ToMilliseconds(TrackerState s)
    {
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

    private static DateTimeOffset? Truncate(DateTimeOffset? time) =>
        time is { } t ? new DateTimeOffset(Ms(t), TimeSpan.Zero) : null;

    private static long Ms(DateTimeOffset time) => time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMillisecond;

    private sealed record Entry(string Json, TrackerState State);

    /// <summary>A reusable buffer and JSON writer for the states of one merge.</summary>
    internal sealed class Writer : IDisposable
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(8192);
        private readonly Utf8JsonWriter _json;

        public Writer() => _json = new Utf8JsonWriter(_buffer, JsonOutput.Options);

        public string Write(TrackerState state)
        {
            _buffer.ResetWrittenCount();
            _json.Reset();
            StateWriter.WriteCanonical(_json, state);
            _json.Flush();
            return Encoding.UTF8.GetString(_buffer.WrittenSpan);
        }

        public void Dispose() => _json.Dispose();
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using TrackerEvents.Tracking;

namespace TrackerEvents.Store;

/// <summary>
/// The state changes of a PostgreSQL commit, carried to the other nodes in its own notifications, so that a
/// node need not read them back from the change feed: there the read was most of a change's way from one node's
/// commit to another node's viewers (its round trip, and the read itself under load). The writing statement sends
/// them (<see cref="IStoreDialect.UpdateStates"/>, <c>@Carried</c>) only when it wrote every row, and before the
/// trigger's notice of how far the versions go; the receiving node hands them to its dispatcher as it hands over
/// its own commits (<see cref="ChangeHandoff"/>), which takes them only where their versions continue its
/// watermark. Like any notification they are a shortcut: the feed still has everything.
/// </summary>
/// <remarks>
/// A payload is <c>c{before}:{node}:[[ordinal,tracker,user,source,blocked,state],…]</c>: the statement puts
/// <c>c</c> and the version before its block in front of the chunk built here, and a row's version is that plus
/// its ordinal (its place in the statement's arrays). <c>node</c> tells a node its own commits, which it has
/// handed over already. A notification's payload must be shorter than 8,000 bytes, so the rows go in chunks;
/// a commit carries its rows up to the first that is too large for a chunk or past <see cref="MaxBytes"/> in all,
/// and the others are read from the feed, as a foreign writer's are. Both writing statements send the chunks built
/// here: the transaction's <c>UPDATE</c> and the one-statement write (<c>sql/postgres/0008_write_states.sql</c>).
/// </remarks>
internal sealed class CarriedChanges
{
    /// <summary>The most bytes of rows in one chunk: 8,000 less the prefix the statement adds and the node.</summary>
    public const int ChunkBytes = 7_900;

    /// <summary>The most bytes of rows one commit carries; a larger commit is read from the feed.</summary>
    public const int MaxBytes = 256 * 1024;

    private readonly byte[] _header;
    private long _taken;

    public CarriedChanges()
        : this(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)))
    {
    }

    /// <param name="node">This process among the nodes (letters and digits): payloads it sent are its own.</param>
    public CarriedChanges(string node)
    {
        Node = node;
        _header = Encoding.ASCII.GetBytes(":" + node + ":[");
    }

    /// <summary>This process's name in the payloads.</summary>
    public string Node { get; }

    /// <summary>Changes taken from other nodes' payloads since start.</summary>
    public long Taken => Interlocked.Read(ref _taken);

    /// <summary>Whether a notification's payload carries changes (rather than a version, or nothing).</summary>
    public static bool IsCarried(string payload) => payload.Length > 0 && payload[0] == 'c';

    /// <summary>
    /// The chunks that carry <paramref name="rows"/> (a row's ordinal is its index + 1), each without the prefix
    /// the statement adds: up to the first row too large for a chunk, or past <see cref="MaxBytes"/> in all.
    /// </summary>
    public string[] Chunk(IReadOnlyList<Row> rows)
    {
        var chunks = new List<string>();
        var buffer = new MemoryStream();
        var total = 0;
        var inChunk = 0;
        Span<byte> scratch = stackalloc byte[96]; // a row's head: four longs, a flag and the punctuation, at most 89 bytes
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            Utf8.TryWrite(scratch, CultureInfo.InvariantCulture,
                $"[{i + 1},{row.TrackerId},{row.UserId},{row.SourceId},{(row.Blocked ? "true" : "false")},", out var headLength);
            var head = scratch[..headLength];
            var size = headLength + row.State.Length + 2; // the row's "]" and the "," or "]" after it
            total += size;
            if (_header.Length + size > ChunkBytes || total > MaxBytes)
            {
                break; // the rest is read from the feed: the rows before continue the versions on their own
            }

            if (inChunk > 0 && buffer.Length + size > ChunkBytes)
            {
                chunks.Add(Close(buffer));
                inChunk = 0;
            }

            if (inChunk == 0)
            {
                buffer.SetLength(0);
                buffer.Write(_header);
            }
            else
            {
                buffer.WriteByte((byte)',');
            }

            buffer.Write(head);
            buffer.Write(row.State);
            buffer.WriteByte((byte)']');
            inChunk++;
        }

        if (inChunk > 0)
        {
            chunks.Add(Close(buffer));
        }

        return [.. chunks];
    }

    /// <summary>
    /// The changes a carried payload holds, in version order: empty when this process sent it, null when it is
    /// malformed (then read the feed). Counts what it returns in <see cref="Taken"/>.
    /// </summary>
    public List<StateChange>? Read(string payload)
    {
        var first = payload.IndexOf(':', StringComparison.Ordinal);
        var second = first < 0 ? -1 : payload.IndexOf(':', first + 1);
        if (!IsCarried(payload) || second < 0
            || !long.TryParse(payload.AsSpan(1, first - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var before))
        {
            return null;
        }

        if (payload.AsSpan(first + 1, second - first - 1).SequenceEqual(Node))
        {
            return [];
        }

        var changes = Parse(payload.AsMemory(second + 1), before);
        if (changes is not null)
        {
            Interlocked.Add(ref _taken, changes.Count);
        }

        return changes;
    }

    private static List<StateChange>? Parse(ReadOnlyMemory<char> json, long before)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array || document.RootElement.GetArrayLength() == 0)
            {
                return null;
            }

            var changes = new List<StateChange>(document.RootElement.GetArrayLength());
            foreach (var row in document.RootElement.EnumerateArray())
            {
                if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != 6 || row[5].ValueKind != JsonValueKind.Object
                    || !Number(row[0], out var ordinal) || !Number(row[1], out var tracker) || !Number(row[2], out var user)
                    || !Number(row[3], out var source) || row[4].ValueKind is not (JsonValueKind.True or JsonValueKind.False)
                    || (changes.Count > 0 ? ordinal != changes[^1].Version - before + 1 : ordinal < 1))
                {
                    return null; // the rows' versions follow each other, or the hand-over would not say what it holds
                }

                changes.Add(new StateChange(before + ordinal, tracker, user, source, row[4].GetBoolean(), StoredStateReader.Read(row[5])));
            }

            return changes;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool Number(JsonElement element, out long value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value);
    }

    private static string Close(MemoryStream buffer)
    {
        buffer.WriteByte((byte)']');
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>One written state: its tracker, owner, source, blocked flag, and its JSON as stored (UTF-8).</summary>
    public readonly record struct Row(long TrackerId, long UserId, long SourceId, bool Blocked, byte[] State);
}

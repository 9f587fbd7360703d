using System.Globalization;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace TraceReport;

/// <summary>
/// The references from older objects to young ones at the moment of a heap dump: what a young collection
/// must find through older objects (the cards). From a trace with the runtime's heap-dump keywords
/// (<c>Microsoft-Windows-DotNETRuntime:0x1980001:5</c>, which makes the runtime collect and walk the heap
/// once): each object (<c>GCBulkNode</c>) with its references (<c>GCBulkEdge</c>, in the same order). The
/// generations' address ranges are not sent over EventPipe, so the young regions come from a second trace
/// taken at the same time, with allocation samples (<c>:0x1:5</c>): the 4 MB regions that small objects
/// were allocated in since the last collection before the dump's own. Prints the older → young references
/// grouped by the referencing type and the referenced type, with the young bytes they reach directly.
/// </summary>
internal static class CardsReport
{
    public static void Print(string trace, string allocationTrace, int top)
    {
        using var source = new EventPipeEventSource(trace);
        var types = new Dictionary<ulong, string>();
        var nodes = new List<(ulong Address, ulong Size, ulong Type, int Edges)>();
        var edges = new List<ulong>();
        var firstNodeAt = double.NaN;
        source.Clr.TypeBulkType += e =>
        {
            for (var i = 0; i < e.Count; i++)
            {
                types[e.Values(i).TypeID] = e.Values(i).TypeName;
            }
        };
        source.Clr.GCBulkNode += e =>
        {
            if (double.IsNaN(firstNodeAt))
            {
                firstNodeAt = e.TimeStampRelativeMSec;
            }

            for (var i = 0; i < e.Count; i++)
            {
                var v = e.Values(i);
                nodes.Add((v.Address, v.Size, v.TypeID, (int)v.EdgeCount));
            }
        };
        source.Clr.GCBulkEdge += e =>
        {
            for (var i = 0; i < e.Count; i++)
            {
                edges.Add(e.Values(i).Target);
            }
        };
        source.Process();

        // The young regions: where the runtime allocated between the last collection before the heap dump's
        // own and that one (the allocation samples of the second trace carry addresses).
        var youngRegions = YoungRegions(allocationTrace, source.SessionStartTime.AddMilliseconds(firstNodeAt));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{nodes.Count:N0} objects, {edges.Count:N0} references; {youngRegions.Count} young regions of 4 MB"));
        int GenerationOf(ulong address) => youngRegions.Contains(address >> RegionBits) ? 0 : 2;

        var sizes = new Dictionary<ulong, (ulong Size, ulong Type)>(nodes.Count);
        foreach (var n in nodes)
        {
            sizes[n.Address] = (n.Size, n.Type);
        }

        string Name(ulong type) => types.TryGetValue(type, out var name) ? name : $"type {type:x}";
        var groups = new Dictionary<(ulong From, ulong To), (int Count, ulong Bytes, HashSet<ulong> Holders)>();
        var total = 0;
        var position = 0;
        foreach (var n in nodes)
        {
            var from = GenerationOf(n.Address);
            for (var i = 0; i < n.Edges && position < edges.Count; i++, position++)
            {
                var target = edges[position];
                if (from == 0 || GenerationOf(target) != 0 || !sizes.TryGetValue(target, out var young))
                {
                    continue;
                }

                total++;
                var key = (n.Type, young.Type);
                var (count, bytes, holders) = groups.TryGetValue(key, out var g) ? g : (0, 0UL, new HashSet<ulong>());
                holders.Add(n.Address);
                groups[key] = (count + 1, bytes + young.Size, holders);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total:N0} references from older objects to young ones"));
        Console.WriteLine($"{"refs",8} {"holders",8} {"young KB",9}  older type -> young type");
        foreach (var ((from, to), (count, bytes, holders)) in groups.OrderByDescending(g => g.Value.Count).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{count,8:N0} {holders.Count,8:N0} {bytes / 1024.0,9:F1}  {Name(from)} -> {Name(to)}"));
        }
    }

    private const int RegionBits = 22; // the collector's basic region, 4 MB

    private static HashSet<ulong> YoungRegions(string allocationTrace, DateTime walkAt)
    {
        using var source = new EventPipeEventSource(allocationTrace);
        var collections = new List<(DateTime Start, DateTime End)>();
        var samples = new List<(DateTime At, ulong Address)>();
        DateTime started = default;
        source.Clr.GCStart += e => started = e.TimeStamp;
        source.Clr.GCStop += e => collections.Add((started, e.TimeStamp));
        source.Clr.GCAllocationTick += e =>
        {
            if (e.AllocationKind == GCAllocationKind.Small)
            {
                samples.Add((e.TimeStamp, e.Address)); // large and pinned objects are not young
            }
        };
        source.Process();

        // The heap dump's collection is the last to start before the walk; the young objects are those
        // allocated after the one before it ended.
        var dump = collections.Where(c => c.Start <= walkAt).Select(c => c.Start).DefaultIfEmpty(walkAt).Max();
        var since = collections.Where(c => c.End < dump).Select(c => c.End).DefaultIfEmpty(DateTime.MinValue).Max();
        var regions = samples.Where(s => s.At > since && s.At < dump && s.Address != 0).Select(s => s.Address >> RegionBits).ToHashSet();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"collections {collections.Count}; young since {(dump - since).TotalMilliseconds:F0} ms before the dump's collection, {samples.Count(s => s.At > since && s.At < dump)} samples"));
        return regions;
    }
}

using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace TraceReport;

/// <summary>
/// Which allocations outlive the young collection after them, by type. An allocation sample (one per ~100 KB, with
/// the object's type and address) survived when the next collection reports its address among the ranges it kept
/// in place or moved (keyword GCHeapSurvivalAndMovement, 0x400000; with the GC keyword at level 5: 0x400001:5).
/// The share that survives of each type's sampled bytes is what young collections copy on: states kept a second,
/// say, where most of what a request allocates dies before the next collection. Given a type, its survivors by the
/// stacks that allocated them instead.
/// </summary>
internal static class SurvivorsReport
{
    public static void Print(string trace, string? type, int top)
    {
        using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(trace));
        var pending = new List<(string Key, ulong Address, long Bytes)>();
        var kept = new List<(ulong Start, ulong End)>();
        var sampled = new Dictionary<string, long>();
        var survived = new Dictionary<string, long>();
        var collections = 0;
        var inCollection = false;
        foreach (var e in log.Events)
        {
            switch (e)
            {
                case GCAllocationTickTraceData tick when tick.AllocationKind == GCAllocationKind.Small && tick.Address != 0
                                                          && (type is null || tick.TypeName == type):
                    pending.Add((type is null ? tick.TypeName ?? "?" : AllocationReport.Stack(tick, 6), tick.Address, tick.AllocationAmount64));
                    break;
                case GCStartTraceData start:
                    inCollection = start.Depth < 2; // a full collection reports the whole heap's ranges: not a young one's survivors
                    kept.Clear();
                    break;
                case GCBulkSurvivingObjectRangesTraceData ranges when inCollection:
                    for (var i = 0; i < ranges.Count; i++)
                    {
                        var r = ranges.Values(i);
                        kept.Add((r.RangeBase, r.RangeBase + r.RangeLength));
                    }

                    break;
                case GCBulkMovedObjectRangesTraceData moved when inCollection:
                    for (var i = 0; i < moved.Count; i++)
                    {
                        var r = moved.Values(i);
                        kept.Add((r.OldRangeBase, r.OldRangeBase + r.RangeLength));
                    }

                    break;
                case GCEndTraceData:
                    if (inCollection)
                    {
                        collections++;
                        kept.Sort();
                        foreach (var (key, address, bytes) in pending)
                        {
                            sampled[key] = sampled.GetValueOrDefault(key) + bytes;
                            if (Contains(kept, address))
                            {
                                survived[key] = survived.GetValueOrDefault(key) + bytes;
                            }
                        }
                    }

                    pending.Clear();
                    inCollection = false;
                    break;
            }
        }

        var all = sampled.Values.Sum();
        var allSurvived = survived.Values.Sum();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{collections} young collections; of {type ?? "all types"}: {all / 1048576.0:F0} MB sampled, {allSurvived / 1048576.0:F1} MB ({allSurvived * 100.0 / Math.Max(1, all):F1} %) outlived the collection after it"));
        Console.WriteLine($"  share of survivors  survived MB  of its sampled MB  {(type is null ? "type" : "allocated at")}");
        foreach (var (key, bytes) in survived.OrderByDescending(s => s.Value).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {bytes * 100.0 / Math.Max(1, allSurvived),17:F1}% {bytes / 1048576.0,12:F1} {sampled[key] / 1048576.0,16:F1}  {key}"));
        }
    }

    private static bool Contains(List<(ulong Start, ulong End)> ranges, ulong address)
    {
        int low = 0, high = ranges.Count - 1;
        while (low <= high)
        {
            var mid = (low + high) / 2;
            if (address < ranges[mid].Start)
            {
                high = mid - 1;
            }
            else if (address >= ranges[mid].End)
            {
                low = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }
}

using System.Globalization;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace TraceReport;

/// <summary>
/// One line per garbage collection: its generation and reason, the pause (suspension to restart), when the
/// mark phase reached each kind of root (from the start of the collection) and what it promoted from them,
/// then the pauses by generation. Needs the runtime provider's GC keyword at level 4 or 5.
/// </summary>
internal static class GcReport
{
    public static void Print(string trace)
    {
        using var source = new EventPipeEventSource(trace);
        var pauses = new Dictionary<int, List<double>>();
        double suspendedAt = 0, startedAt = 0;
        var generation = 0;
        var reason = "";
        var marks = new List<string>();
        source.Clr.GCSuspendEEStart += e => suspendedAt = e.TimeStampRelativeMSec;
        source.Clr.GCStart += e =>
        {
            (startedAt, generation, reason) = (e.TimeStampRelativeMSec, e.Depth, e.Reason.ToString());
            marks.Clear();
        };
        source.Clr.GCMarkWithType += e => marks.Add(string.Create(CultureInfo.InvariantCulture,
            $"{(MarkRootType)e.Type}@{e.TimeStampRelativeMSec - startedAt:F1}ms/{e.Promoted / 1024}K"));
        source.Clr.GCRestartEEStop += e =>
        {
            var pause = e.TimeStampRelativeMSec - suspendedAt;
            if (!pauses.TryGetValue(generation, out var list))
            {
                pauses[generation] = list = [];
            }

            list.Add(pause);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{e.TimeStampRelativeMSec / 1000,8:F2}s gen{generation} {reason,-12} pause {pause,6:F1} ms | {string.Join(' ', marks)}"));
        };
        source.Process();

        foreach (var (gen, list) in pauses.OrderBy(p => p.Key))
        {
            list.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"gen{gen}: {list.Count} pauses, median {list[list.Count / 2]:F1} ms, max {list[^1]:F1} ms, total {list.Sum():F0} ms"));
        }
    }
}

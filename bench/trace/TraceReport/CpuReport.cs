using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;

namespace TraceReport;

/// <summary>
/// The sample profiler's thread samples whose stack holds a frame containing <c>frame</c> (e.g.
/// <c>StateStore+&lt;MergeAsync&gt;</c>): the share of them in each method, inclusive and exclusive. Native
/// frames (SQLite's, the runtime's) have no names here: their time shows as the managed frame that called them.
/// Needs the provider <c>Microsoft-DotNETCore-SampleProfiler</c>.
/// </summary>
internal static class CpuReport
{
    public static void Print(string trace, string frame, int top)
    {
        using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(trace));
        var inclusive = new Dictionary<string, int>();
        var exclusive = new Dictionary<string, int>();
        var matching = 0;
        foreach (var e in log.Events)
        {
            if (e.EventName != "Thread/Sample")
            {
                continue;
            }

            var frames = new List<string>();
            for (var f = e.CallStack(); f is not null; f = f.Caller)
            {
                var method = f.CodeAddress.FullMethodName;
                frames.Add(string.IsNullOrEmpty(method) ? "?" + f.CodeAddress.ModuleName : method[..Math.Min(method.Length, 150)]);
            }

            if (!frames.Exists(f => f.Contains(frame, StringComparison.Ordinal)))
            {
                continue;
            }

            matching++;
            foreach (var method in frames.Distinct())
            {
                inclusive[method] = inclusive.GetValueOrDefault(method) + 1;
            }

            exclusive[frames[0]] = exclusive.GetValueOrDefault(frames[0]) + 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{matching} samples hold {frame}"));
        Print("inclusive", inclusive, matching, top);
        Print("exclusive", exclusive, matching, top);
    }

    private static void Print(string title, Dictionary<string, int> counts, int total, int top)
    {
        Console.WriteLine("-- " + title);
        foreach (var (method, count) in counts.OrderByDescending(c => c.Value).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count * 100.0 / Math.Max(1, total),5:F1}% {method}"));
        }
    }
}

using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;

namespace TraceReport;

/// <summary>
/// The sample profiler's thread samples whose stack holds a frame containing <c>frame</c> (e.g.
/// <c>StateStore+&lt;MergeAsync&gt;</c>): the share of them in each method, inclusive and exclusive. Native
/// frames (SQLite's, the runtime's) have no names here: their time shows as the managed frame that called them.
/// Then the callers of the (innermost) matching frame, three frames up, by sample count: which lock a thread
/// waits on in <c>Monitor.Enter_Slowpath</c>, say. The profiler samples waiting threads too, so a share here is
/// of thread time, not of CPU. Needs the provider <c>Microsoft-DotNETCore-SampleProfiler</c>.
/// </summary>
internal static class CpuReport
{
    public static void Print(string trace, string frame, int top)
    {
        using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(trace));
        var inclusive = new Dictionary<string, int>();
        var exclusive = new Dictionary<string, int>();
        var callers = new Dictionary<string, int>();
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

            var at = frames.FindIndex(f => f.Contains(frame, StringComparison.Ordinal));
            if (at < 0)
            {
                continue;
            }

            matching++;
            var chain = string.Join(" < ", frames.Skip(at + 1).Take(3).Select(Short));
            callers[chain] = callers.GetValueOrDefault(chain) + 1;
            foreach (var method in frames.Distinct())
            {
                inclusive[method] = inclusive.GetValueOrDefault(method) + 1;
            }

            exclusive[frames[0]] = exclusive.GetValueOrDefault(frames[0]) + 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{matching} samples hold {frame}"));
        Print("inclusive", inclusive, matching, top);
        Print("exclusive", exclusive, matching, top);
        Print("callers (three frames up)", callers, matching, top);
    }

    // "Namespace.Type+<Method>d__12.MoveNext()" → "Type+<Method>d__12.MoveNext"
    internal static string Short(string method)
    {
        var name = method.Split('(')[0];
        var dot = name.LastIndexOf('.', Math.Max(0, name.LastIndexOf('.') - 1));
        return dot < 0 ? name : name[(dot + 1)..];
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

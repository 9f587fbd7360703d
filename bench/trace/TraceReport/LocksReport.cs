using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace TraceReport;

/// <summary>
/// Lock contention from the runtime's own events (keyword Contention, 0x4000, with stacks: 0x40004000): each
/// wait a thread made for a lock another held, its duration from ContentionStop, grouped by the frames that
/// asked for the lock. Unlike the sample profiler, which suspends every thread each millisecond (a holder
/// stopped with its lock makes waiters of everyone), these are the waits the program makes by itself.
/// </summary>
internal static class LocksReport
{
    public static void Print(string trace, int top)
    {
        using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(trace));
        var started = new Dictionary<int, (string Where, double At)>();
        var waits = new Dictionary<string, (int Count, double Ms, double MaxMs)>();
        var seconds = 0.0;
        foreach (var e in log.Events)
        {
            seconds = Math.Max(seconds, e.TimeStampRelativeMSec / 1000);
            switch (e)
            {
                case ContentionStartTraceData:
                    started[e.ThreadID] = (Where(e), e.TimeStampRelativeMSec);
                    break;
                case ContentionStopTraceData stop when started.Remove(e.ThreadID, out var start):
                    var ms = stop.DurationNs > 0 ? stop.DurationNs / 1e6 : e.TimeStampRelativeMSec - start.At;
                    var (count, total, max) = waits.GetValueOrDefault(start.Where);
                    waits[start.Where] = (count + 1, total + ms, Math.Max(max, ms));
                    break;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{waits.Values.Sum(w => w.Count)} waits for a lock, {waits.Values.Sum(w => w.Ms):F1} ms in all, over {seconds:F1} s"));
        Console.WriteLine("  waits   total ms   max ms  where (the lock's caller, three frames up)");
        foreach (var (where, (count, total, max)) in waits.OrderByDescending(w => w.Value.Ms).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count,7} {total,10:F1} {max,8:F2}  {where}"));
        }
    }

    private static string Where(Microsoft.Diagnostics.Tracing.TraceEvent e)
    {
        var frames = new List<string>();
        for (var f = e.CallStack(); f is not null && frames.Count < 3; f = f.Caller)
        {
            var method = f.CodeAddress.FullMethodName;
            if (string.IsNullOrEmpty(method) || method.StartsWith("System.Threading.Monitor", StringComparison.Ordinal)
                || method.StartsWith("System.Threading.Lock", StringComparison.Ordinal))
            {
                continue;
            }

            frames.Add(CpuReport.Short(method));
        }

        return frames.Count == 0 ? "(no stack)" : string.Join(" < ", frames);
    }
}

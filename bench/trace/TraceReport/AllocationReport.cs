using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace TraceReport;

/// <summary>
/// The runtime's allocation samples (one per ~100 KB allocated, with the type that crossed the mark): bytes by
/// type, or, given a type, by the stacks that allocated it (the first <c>depth</c> frames, compiler-generated
/// async plumbing left out). Needs the GC keyword at level 5; stacks need the trace's rundown (dotnet-trace's default).
/// </summary>
internal static class AllocationReport
{
    public static void Print(string trace, string? type, int depth)
    {
        using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(trace));
        var bytes = new Dictionary<string, long>();
        long total = 0;
        foreach (var e in log.Events)
        {
            if (e is not GCAllocationTickTraceData sample || (type is not null && sample.TypeName != type))
            {
                continue;
            }

            total += sample.AllocationAmount64;
            var key = type is null ? sample.TypeName ?? "?" : Stack(sample, depth);
            bytes[key] = bytes.GetValueOrDefault(key) + sample.AllocationAmount64;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{type ?? "all types"}: {total / 1048576} MB sampled"));
        foreach (var (key, amount) in bytes.OrderByDescending(b => b.Value).Take(type is null ? 30 : 15))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{amount * 100.0 / total,5:F1}% {amount / 1048576,6} MB  {key}"));
        }
    }

    internal static string Stack(GCAllocationTickTraceData sample, int depth)
    {
        var frames = new List<string>();
        for (var frame = sample.CallStack(); frame is not null && frames.Count < depth; frame = frame.Caller)
        {
            var method = frame.CodeAddress.FullMethodName;
            if (method.StartsWith("System.Runtime.CompilerServices", StringComparison.Ordinal))
            {
                continue;
            }

            frames.Add(string.IsNullOrEmpty(method) ? "?" + frame.CodeAddress.ModuleName : method[..Math.Min(method.Length, 110)]);
        }

        return string.Join("\n" + new string(' ', 16) + "<- ", frames);
    }
}

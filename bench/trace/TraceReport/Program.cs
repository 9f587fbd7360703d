using TraceReport;

// Summaries of a .nettrace file written by dotnet-trace (bench/README.md):
//   gc      TRACE                     each collection: generation, pause, mark phases; then pauses by generation
//   alloc   TRACE [TYPE [DEPTH]]      allocation samples by type, or, for one type, by the stacks that allocate it
//   cpu     TRACE FRAME [TOP]         of the thread samples whose stack holds FRAME: time per method, inclusive and exclusive
if (args is not [var command, var trace, ..] || !File.Exists(trace))
{
    Console.Error.WriteLine("usage: TraceReport gc|alloc|cpu TRACE.nettrace [...]");
    return 2;
}

var rest = args[2..];
switch (command)
{
    case "gc":
        GcReport.Print(trace);
        return 0;
    case "alloc":
        AllocationReport.Print(trace, rest.ElementAtOrDefault(0), rest.Length > 1 ? int.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture) : 6);
        return 0;
    case "cpu" when rest.Length > 0:
        CpuReport.Print(trace, rest[0], rest.Length > 1 ? int.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture) : 40);
        return 0;
    default:
        Console.Error.WriteLine("usage: TraceReport gc|alloc|cpu TRACE.nettrace [...]");
        return 2;
}

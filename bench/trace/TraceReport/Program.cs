using TraceReport;

// Summaries of a .nettrace file written by dotnet-trace, or of a packet capture (bench/README.md):
//   gc      TRACE                     each collection: generation, pause, mark phases; then pauses by generation
//   alloc   TRACE [TYPE [DEPTH]]      allocation samples by type, or, for one type, by the stacks that allocate it
//   cpu     TRACE FRAME [TOP]         of the thread samples whose stack holds FRAME: time per method, inclusive and exclusive
//   survivors TRACE [TYPE [TOP]]      allocation samples that outlived the young collection after them, by type
//   locks   TRACE [TOP]               waits for locks (runtime contention events), by where the lock was asked for
//   cards   TRACE ALLOC [TOP]         at a heap dump: references from older objects to young ones, by type
//   wire    CAPTURE [HTTP WS PG]      a run's ingest requests on the wire, step by step (ports 18080 18081 55433 unless given)
if (args is not [var command, var trace, ..] || !File.Exists(trace))
{
    Console.Error.WriteLine("usage: TraceReport gc|alloc|survivors|cpu|locks|cards TRACE.nettrace [...] | wire CAPTURE.pcap [HTTP WS PG]");
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
    case "survivors":
        // TOP alone, or TYPE [TOP]
        var onlyTop = rest.Length == 1 && int.TryParse(rest[0], System.Globalization.CultureInfo.InvariantCulture, out _);
        SurvivorsReport.Print(trace, onlyTop ? null : rest.ElementAtOrDefault(0),
            int.Parse(onlyTop ? rest[0] : rest.ElementAtOrDefault(1) ?? "25", System.Globalization.CultureInfo.InvariantCulture));
        return 0;
    case "locks":
        LocksReport.Print(trace, rest.Length > 0 ? int.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture) : 20);
        return 0;
    case "cards" when rest.Length > 0:
        CardsReport.Print(trace, rest[0], rest.Length > 1 ? int.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture) : 30);
        return 0;
    case "wire" when rest.Length <= 3:
        int[] ports = [.. rest.Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)), .. new[] { 18080, 18081, 55433 }[rest.Length..]];
        WireReport.Print(trace, ports[0], ports[1], ports[2]);
        return 0;
    default:
        Console.Error.WriteLine("usage: TraceReport gc|alloc|survivors|cpu|locks|cards TRACE.nettrace [...] | wire CAPTURE.pcap [HTTP WS PG]");
        return 2;
}

using System.Diagnostics;
using System.Globalization;
using TrackerEvents.Client;
using TrackerEvents.ClientBench;

// How many events one client consumes per second, and what each costs it in allocations. The events come from
// a second process (this program with "serve"), so that its allocations are not counted: a stub of the
// Navixy event socket that sends pre-rendered messages as fast as the connection takes them.
//
//   dotnet run -c Release --project bench/client/ClientThroughput [-- events [state|state_batch]]
if (args is ["serve", ..])
{
    await StubServer.RunAsync(args.Length > 1 ? args[1] : EventNames.State);
    return 0;
}

var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
foreach (var kind in args.Length > 1 ? args[1..] : [EventNames.State, EventNames.StateBatch])
{
    var (seconds, states, allocated) = await MeasureAsync(kind, count);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{kind,-12} {count:N0} events, {states:N0} states in {seconds:0.0} s: {count / seconds:N0} events/s, {states / seconds:N0} states/s; "
        + $"{allocated / count:N0} bytes allocated per event, {allocated / states:N0} per state"));
}

return 0;

// A slower consumer gets batches merged (the latest state per tracker), so states are counted as delivered.
static async Task<(double Seconds, long States, double Allocated)> MeasureAsync(string kind, int count)
{
    var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
    info.ArgumentList.Add(typeof(StubServer).Assembly.Location);
    info.ArgumentList.Add("serve");
    info.ArgumentList.Add(kind);
    using var server = Process.Start(info)!;
    try
    {
        var url = await server.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("the stub did not start");
        await using var client = new TrackerEventsClient(new TrackerEventsClientOptions
        {
            ApiUrl = new Uri(url + "/v2/"),
            Credentials = Credentials.Hash(StubServer.Hash),
            EventBufferCapacity = 100_000,
        });
        await using var subscription = await client.SubscribeAsync([SubscriptionRequest.StateBatch(SubscriptionTarget.All)]);
        var warmup = count / 10;
        var received = 0;
        var states = 0L;
        long allocatedBefore = 0;
        var clock = new Stopwatch();
        await foreach (var e in subscription.ReadAllAsync())
        {
            if (++received == warmup)
            {
                allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                clock.Start();
            }

            if (received > warmup)
            {
                states += e is StateBatchEvent batch ? batch.States.Count : 1;
            }

            if (received == warmup + count)
            {
                break;
            }
        }

        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return (clock.Elapsed.TotalSeconds, states, allocated);
    }
    finally
    {
        server.Kill();
    }
}

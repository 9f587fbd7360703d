using TrackerEvents.Hosting;

// TrackerEvents: a real-time event server for GPS-tracker fleets, wire-compatible with the Navixy API v2 WebSocket API.
try
{
    await using var app = TrackerEventsApp.Build(args);
    await TrackerEventsApp.StartAsync(app, CancellationToken.None);
    await app.WaitForShutdownAsync();
    return 0;
}
catch (Exception e)
{
    // A bad setting (or a taken port, an unreachable database) stops start-up with a message that names it.
    Console.Error.WriteLine($"TrackerEvents could not start: {e.Message}");
    return 1;
}

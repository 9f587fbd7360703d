using TrackerEvents.Hosting;

// TrackerEvents: a real-time event server for GPS-tracker fleets, wire-compatible with the Navixy API v2
// WebSocket API. The features it is made of are listed in Hosting/TrackerEventsApp.cs.
return await TrackerEventsApp.RunAsync(args);

using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Page;

/// <summary>A server with the demo account seeded (20 trackers, simulator off unless asked), and its trackers by label.</summary>
internal static class DemoFleet
{
    public static Task<RunningServer> StartAsync(params string[] settings) =>
        RunningServer.StartAsync(["Demo:Enabled=true", .. settings]);

    /// <summary>The demo tracker ids by label, through the API as the demo user.</summary>
    public static async Task<Dictionary<string, long>> TrackersAsync(RunningServer server)
    {
        var hash = await server.LoginAsync("demo", "demo");
        return (await server.CallAsync("tracker/list", new { hash })).ShouldSucceed()["list"].EnumerateArray()
            .ToDictionary(t => t.GetProperty("label").GetString()!, t => t.GetProperty("id").GetInt64());
    }
}

using System.Text.Json;

namespace TrackerEvents.Tests.Infrastructure;

/// <summary>
/// Reads the admin change feed as the dispatcher does: from a watermark, page by page, until told where to stop;
/// every version it saw, in order, and the last state of each tracker.
/// </summary>
internal sealed class FeedFollower(RunningServer server, long after)
{
    private readonly TaskCompletionSource<long> _stopAt = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<long> Versions { get; } = [];

    public Dictionary<long, JsonElement> States { get; } = [];

    public void Stop(long at) => _stopAt.TrySetResult(at);

    public async Task RunAsync()
    {
        var watermark = after;
        while (!_stopAt.Task.IsCompleted || watermark < _stopAt.Task.Result)
        {
            var page = await server.ChangesAfterAsync(watermark, limit: 150);
            foreach (var change in page)
            {
                var version = change.GetProperty("version").GetInt64();
                Versions.Add(version);
                watermark = Math.Max(watermark, version);
                States[change.GetProperty("tracker_id").GetInt64()] = change.GetProperty("state");
            }

            if (page.Length == 0)
            {
                await Task.WhenAny(_stopAt.Task, Task.Delay(5)); // an idle poll, not a synchronisation
            }
        }
    }
}

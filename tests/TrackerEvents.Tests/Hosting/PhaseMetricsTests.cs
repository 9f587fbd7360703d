using Dapper;
using System.Globalization;
using System.Text.RegularExpressions;
using TrackerEvents.Tests.Infrastructure;
using TrackerEvents.Tests.Protocol;

namespace TrackerEvents.Tests.Hosting;

/// <summary>
/// The phase breakdown of a change on <c>/metrics</c>: commit, commit → dispatch, dispatch → socket write; and the
/// reads of the change feed, the part of commit → dispatch that changes not handed over in process pay.
/// </summary>
public sealed class PhaseMetricsTests
{
    private const string FeedRead = "trackerevents_feed_read_seconds";

    private static readonly string[] Phases =
        ["trackerevents_store_commit_seconds", "trackerevents_commit_to_dispatch_seconds", "trackerevents_dispatch_to_write_seconds"];

    [Fact]
    public async Task AChangeDeliveredToAViewer_IsCountedInEveryPhase()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var socket = await fleet.ConnectAsync();
        await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        await socket.NextEventAsync("state"); // the snapshot: not a change, so not timed
        var before = await CountsAsync(fleet.Server);

        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 42 } });
        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(42);

        await Eventually.Until(async () =>
        {
            var after = await CountsAsync(fleet.Server);
            return Phases.All(p => after[p] > before[p]);
        }, TimeSpan.FromSeconds(5), "every phase histogram to count the change");
    }

    [Fact]
    public async Task EachPhase_IsAPrometheusHistogram_WithCumulativeBuckets()
    {
        await using var fleet = await Fleet.StartAsync();
        await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 1 } });

        var text = await fleet.Server.Http.GetStringAsync("/metrics");

        foreach (var phase in Phases.Append(FeedRead))
        {
            text.Should().Contain($"# TYPE {phase} histogram\n");
            var buckets = Regex.Matches(text, $"^{phase}_bucket{{le=\"([^\"]+)\"}} (\\d+)$", RegexOptions.Multiline)
                .Select(m => (Le: m.Groups[1].Value, Count: long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
            buckets.Should().HaveCountGreaterThan(10);
            buckets[^1].Le.Should().Be("+Inf");
            buckets.Select(b => b.Count).Should().BeInAscendingOrder("Prometheus buckets are cumulative");
            buckets[^1].Count.Should().Be(Count(text, phase), "the +Inf bucket holds every observation");
            text.Should().MatchRegex($"(?m)^{phase}_sum [0-9.eE+-]+$");
        }

        Count(text, "trackerevents_store_commit_seconds").Should().BeGreaterThan(0, "the ingest committed");
    }

    [Fact]
    public async Task AWriteByAnotherProgram_IsTimedAsAFeedRead()
    {
        await using var watched = await WatchedTracker.StartAsync(Engine.Sqlite, "Store:SafetyPollInterval=00:00:00.200");
        var before = Count(await watched.Server.Http.GetStringAsync("/metrics"), FeedRead);
        await using (var db = await watched.Server.Database!.OpenAsync())
        {
            await db.ExecuteAsync("UPDATE tracker_states SET state = @State WHERE tracker_id = @Id",
                new { State = """{"battery_level":61,"connection_status":"active"}""", Id = watched.Tracker });
        }

        (await watched.Socket.NextEventAsync("state")).GetProperty("data").GetProperty("battery_level").GetInt32().Should().Be(61);
        Count(await watched.Server.Http.GetStringAsync("/metrics"), FeedRead).Should().BeGreaterThan(before, "the change came through the feed");
    }

    private static async Task<Dictionary<string, long>> CountsAsync(RunningServer server)
    {
        var text = await server.Http.GetStringAsync("/metrics");
        return Phases.ToDictionary(p => p, p => Count(text, p));
    }

    private static long Count(string text, string phase) =>
        long.Parse(Regex.Match(text, $"(?m)^{phase}_count (\\d+)$").Groups[1].Value, CultureInfo.InvariantCulture);
}

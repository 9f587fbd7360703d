using System.Globalization;
using System.Text.RegularExpressions;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Protocol;

/// <summary>
/// Connections with the same <c>state_batch</c> subscription in the same phase (here one phase for all: the
/// default spreads consecutive connections over ten) flush on a common grid and, having taken the same changes,
/// are sent one shared frame: the same bytes, <c>user_time</c> included, built once.
/// </summary>
public sealed class SharedBatchFrameTests
{
    [Fact]
    public async Task TwoConnections_WithTheSameBatchSubscription_AreSentOneFrame()
    {
        await using var fleet = await Fleet.StartAsync("Atmosphere:BatchPhases=1");
        await using var first = await fleet.ConnectAsync();
        await using var second = await fleet.ConnectAsync();
        foreach (var socket in new[] { first, second })
        {
            await socket.SubscribeAsync(fleet.Hash, new { type = "state_batch", target = new { type = "all" }, rate_limit = "100ms" });
            await socket.NextEventAsync("state_batch"); // the snapshot: each connection's own
        }

        // Each change reaches both connections in one turn of the dispatcher, and both flush in the same tick;
        // a round can still straddle a tick on a busy machine, so the test gives it a few.
        for (var speed = 1; speed <= 10; speed++)
        {
            await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed } });
            var (a, b) = (await first.NextEventAsync("state_batch"), await second.NextEventAsync("state_batch"));
            foreach (var frame in new[] { a, b })
            {
                frame.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("state").GetProperty("gps").GetProperty("speed").GetInt32())
                    .Should().Equal(speed);
            }

            if (await SharedAsync(fleet.Server) > 0)
            {
                a.GetRawText().Should().Be(b.GetRawText(), "one frame, user_time included");
                return;
            }
        }

        Assert.Fail("ten rounds of one change each for two alike connections, and no frame was shared");
    }

    private static async Task<long> SharedAsync(RunningServer server)
    {
        var text = await server.Http.GetStringAsync("/metrics");
        var match = Regex.Match(text, @"(?m)^trackerevents_batch_frames_shared_total (\d+)$");
        match.Success.Should().BeTrue("/metrics counts shared batch frames");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}

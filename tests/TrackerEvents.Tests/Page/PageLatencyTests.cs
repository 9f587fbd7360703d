using System.Diagnostics;
using TrackerEvents.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TrackerEvents.Tests.Page;

/// <summary>
/// An ingested change reaches the monitoring page within 2 s: the page's batch comes at most a second later
/// (<c>rate_limit</c> 1 s), which leaves a second for the server and the browser. Run alone, after the tests that
/// run in parallel, so that the bound is the page's and the server's, not that of a machine busy with other tests.
/// </summary>
[Collection(nameof(PageLatencyTests))]
public sealed class PageLatencyTests(Chromium chromium) : IClassFixture<Chromium>
{
    [BrowserFact]
    public async Task AnIngestedChange_ShowsInItsRowAndOnTheMap_WithinTwoSeconds()
    {
        await using var server = await DemoFleet.StartAsync();
        var trackers = await DemoFleet.TrackersAsync(server);
        await using var page = await MonitoringPage.OpenAsync(chromium, server);
        await page.LogInAndWaitAsync();
        await Expect(page.Cell("Demo vehicle 07", "speed")).ToHaveTextAsync("0 km/h");
        const double lat = 52.3676, lng = 4.9041; // the centre of the demo fleet, in view once the map is fitted to it

        var clock = Stopwatch.StartNew();
        (await server.IngestStatesAsync(new
        {
            tracker_id = trackers["Demo vehicle 07"],
            gps = new { location = new { lat, lng }, speed = 77, heading = 90 },
            movement_status = "moving",
        })).ShouldSucceed();

        await Expect(page.Cell("Demo vehicle 07", "speed")).ToHaveTextAsync("77 km/h", new() { Timeout = 2000 });
        await Expect(page.Cell("Demo vehicle 07", "movement")).ToHaveTextAsync("moving", new() { Timeout = 100 });
        await page.ClickMapAtAsync(lat, lng);
        var left = Math.Max(100, 2000 - (int)clock.ElapsedMilliseconds);
        await Expect(page.Page.Locator("#panel-title")).ToHaveTextAsync("Demo vehicle 07", new() { Timeout = left });
        await Expect(page.Row("Demo vehicle 07")).ToHaveAttributeAsync("aria-selected", "true");
        page.Errors.Should().BeEmpty();
    }
}

/// <summary>The collection of <see cref="PageLatencyTests"/>, run alone: xunit runs it after the collections that run in parallel.</summary>
[CollectionDefinition(nameof(PageLatencyTests), DisableParallelization = true)]
public sealed class RunAlone;

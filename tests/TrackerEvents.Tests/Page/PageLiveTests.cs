using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TrackerEvents.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TrackerEvents.Tests.Page;

/// <summary>The monitoring page in headless Chromium against the real server with the demo fleet: what an operator sees.</summary>
public sealed class PageLiveTests(Chromium chromium) : IClassFixture<Chromium>
{
    [BrowserFact]
    public async Task LoggingIn_ShowsTheTwentyDemoTrackers_TheirCounts_AndATrackerPanel()
    {
        // The simulator on, each vehicle moving every second: this test takes the README's screenshot.
        await using var server = await DemoFleet.StartAsync("Demo:Simulator=true", "Demo:SimulatorInterval=00:00:00.250");
        await using var page = await MonitoringPage.OpenAsync(chromium, server);

        await page.LogInAndWaitAsync();

        await Expect(page.Rows).ToHaveCountAsync(20);
        for (var i = 1; i <= 20; i++)
        {
            await Expect(page.Row($"Demo vehicle {i:D2}")).ToHaveCountAsync(1);
        }

        await Expect(page.Cell("Demo vehicle 01", "status")).ToHaveTextAsync("active");
        await Expect(page.Page.Locator("#counts")).ToHaveTextAsync(new Regex("20 trackers.*20 active"));
        await Expect(page.Page.Locator("#transport")).ToHaveTextAsync("WebSocket");

        await page.Page.FillAsync("#filter", "vehicle 1");
        await Expect(page.Rows).ToHaveCountAsync(10);
        await Expect(page.Page.Locator("#shown")).ToHaveTextAsync("10 of 20 shown");
        await page.Page.ClickAsync(".thead button:has-text('Label')");
        await Expect(page.Rows.Locator(".c-label").First).ToHaveTextAsync("Demo vehicle 19");
        await page.Page.ClickAsync(".thead button:has-text('Speed')");
        await Expect(page.Page.Locator(".thead button:has-text('Speed')")).ToHaveAttributeAsync("aria-sort", "ascending");
        await page.Page.ClickAsync(".thead button:has-text('Label')");
        await page.Page.FillAsync("#filter", "");
        await Expect(page.Rows).ToHaveCountAsync(20);
        await Expect(page.Rows.Locator(".c-label").First).ToHaveTextAsync("Demo vehicle 01");

        await page.Row("Demo vehicle 03").ClickAsync();
        await Expect(page.Page.Locator("#panel-title")).ToHaveTextAsync("Demo vehicle 03");
        await Expect(page.Page.Locator("[data-section=state]")).ToContainTextAsync("gps.location.lat");
        await Expect(page.Page.Locator("[data-section=readings]")).ToContainTextAsync("Fuel level");
        await Expect(page.Page.Locator("[data-section=iot]")).ToContainTextAsync("latitude");
        await page.ScreenshotIfAskedAsync();

        await page.Page.ClickAsync("#panel-close");
        await Expect(page.Page.Locator("#panel")).ToBeHiddenAsync();
        page.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task BlockingATracker_ShowsALifecycleEvent_AndMarksItsRow_UntilUnblocked()
    {
        await using var server = await DemoFleet.StartAsync();
        var trackers = await DemoFleet.TrackersAsync(server);
        await using var page = await MonitoringPage.OpenAsync(chromium, server);
        await page.LogInAndWaitAsync();

        (await server.AdminAsync("/admin/trackers/block", new { tracker_id = trackers["Demo vehicle 05"] })).ShouldSucceed();

        await Expect(page.Events("lifecycle").First).ToContainTextAsync("Demo vehicle 05 blocked");
        await Expect(page.Row("Demo vehicle 05")).ToHaveClassAsync(new Regex(@"\bblocked\b"));
        await Expect(page.Cell("Demo vehicle 05", "status")).ToHaveTextAsync("blocked");
        await Expect(page.Page.Locator("#counts")).ToContainTextAsync("1 blocked");

        (await server.AdminAsync("/admin/trackers/unblock", new { tracker_id = trackers["Demo vehicle 05"] })).ShouldSucceed();

        await Expect(page.Events("lifecycle").First).ToContainTextAsync("Demo vehicle 05 unblocked");
        await Expect(page.Cell("Demo vehicle 05", "status")).ToHaveTextAsync("active");
        await Expect(page.Row("Demo vehicle 05")).Not.ToHaveClassAsync(new Regex(@"\bblocked\b"));
        page.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task NoRequest_LeavesTheOrigin()
    {
        await using var server = await DemoFleet.StartAsync("Demo:Simulator=true");
        await using var page = await MonitoringPage.OpenAsync(chromium, server);
        await page.LogInAndWaitAsync();
        await page.Row("Demo vehicle 02").ClickAsync();
        await Expect(page.Page.Locator("[data-section=iot]")).ToContainTextAsync("latitude");
        await page.Page.ClickAsync("#zoom-in");
        await page.Page.ClickAsync("#logout-button");
        await Expect(page.Page.Locator("#login-form")).ToBeVisibleAsync();

        var origin = server.BaseAddress.GetLeftPart(UriPartial.Authority);
        var requests = page.Requests.ToList();
        requests.Should().Contain(origin + "/config.json").And.Contain(origin + "/v2/user/auth").And.Contain(origin + "/v2/tracker/list")
            .And.Contain(origin + "/vendor/world-atlas/countries-50m.json").And.Contain(origin + "/v2/user/logout");
        requests.Should().Contain(r => r.StartsWith(origin.Replace("http://", "ws://", StringComparison.Ordinal) + "/v2/event/subscription?", StringComparison.Ordinal),
            "the events come over this origin's WebSocket");
        requests.Where(r => !r.StartsWith(origin + "/", StringComparison.Ordinal)
                && !r.StartsWith(origin.Replace("http://", "ws://", StringComparison.Ordinal) + "/", StringComparison.Ordinal))
            .Should().BeEmpty("the page makes no request to another origin unless Page:TileUrl is set");
        page.Errors.Should().BeEmpty();
    }
}

using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TrackerEvents.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TrackerEvents.Tests.Page;

/// <summary>The page as people use it all day: status changes in the feed, a phone in the dark, the keyboard alone.</summary>
public sealed class PageUseTests(Chromium chromium) : IClassFixture<Chromium>
{
    [BrowserFact]
    public async Task AConnectionStatusChange_ShowsInTheEventFeed_AndInItsRow()
    {
        await using var server = await DemoFleet.StartAsync();
        var trackers = await DemoFleet.TrackersAsync(server);
        await using var page = await MonitoringPage.OpenAsync(chromium, server);
        await page.LogInAndWaitAsync();
        await Expect(page.Cell("Demo vehicle 04", "status")).ToHaveTextAsync("active");

        (await server.IngestStatesAsync(new { tracker_id = trackers["Demo vehicle 04"], connection_status = "signal_lost" })).ShouldSucceed();

        await Expect(page.Events("status").First).ToHaveTextAsync(new Regex("Demo vehicle 04: active → signal lost"));
        await Expect(page.Cell("Demo vehicle 04", "status")).ToHaveTextAsync("signal lost");
        await Expect(page.Page.Locator("#counts")).ToContainTextAsync("1 signal lost");

        (await server.IngestStatesAsync(new { tracker_id = trackers["Demo vehicle 04"], connection_status = "active" })).ShouldSucceed();

        await Expect(page.Events("status").First).ToHaveTextAsync(new Regex("Demo vehicle 04: signal lost → active"));
        await Expect(page.Events("status")).ToHaveCountAsync(2, new() { Timeout = 1000 });
        page.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task OnAPhone_InTheDarkTheme_TheFleetFitsTheWidth_InDarkColours()
    {
        await using var server = await DemoFleet.StartAsync();
        var phone = new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, ColorScheme = ColorScheme.Dark, IsMobile = true, HasTouch = true };
        await using var page = await MonitoringPage.OpenAsync(chromium, server, browser: phone);

        await page.LogInAndWaitAsync();

        await Expect(page.Row("Demo vehicle 01")).ToBeVisibleAsync();
        (await page.Page.EvaluateAsync<int>("document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(390, "nothing is wider than the phone");
        (await page.Page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor")).Should().Be("rgb(13, 17, 23)", "the dark theme follows the system");
        var label = await page.Cell("Demo vehicle 01", "label").BoundingBoxAsync();
        label.Should().NotBeNull();
        (label!.X + label.Width).Should().BeLessThanOrEqualTo(390, "a tracker's label is readable without scrolling sideways");
        page.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task WithTheKeyboardAlone_AnOperatorLogsIn_WalksTheRows_AndClosesThePanel()
    {
        await using var server = await DemoFleet.StartAsync();
        await using var page = await MonitoringPage.OpenAsync(chromium, server);
        var keyboard = page.Page.Keyboard;

        await page.Page.FocusAsync("#login");
        await keyboard.TypeAsync("demo");
        await keyboard.PressAsync("Tab");
        await keyboard.TypeAsync("demo");
        await keyboard.PressAsync("Enter");
        await Expect(page.Page.Locator("#connection-text")).ToHaveTextAsync("live", new() { Timeout = 15_000 });

        for (var i = 0; i < 40 && !await page.Page.EvaluateAsync<bool>("document.activeElement?.id === 'table-body'"); i++)
        {
            await keyboard.PressAsync("Tab");
        }

        (await page.Page.EvaluateAsync<string>("document.activeElement?.id")).Should().Be("table-body", "Tab reaches the fleet table");
        await keyboard.PressAsync("ArrowDown");
        await Expect(page.Page.Locator("#panel-title")).ToHaveTextAsync("Demo vehicle 01");
        await keyboard.PressAsync("ArrowDown");
        await Expect(page.Page.Locator("#panel-title")).ToHaveTextAsync("Demo vehicle 02");
        await Expect(page.Row("Demo vehicle 02")).ToHaveAttributeAsync("aria-selected", "true");
        await keyboard.PressAsync("Escape");
        await Expect(page.Page.Locator("#panel")).ToBeHiddenAsync();
        page.Errors.Should().BeEmpty();
    }
}

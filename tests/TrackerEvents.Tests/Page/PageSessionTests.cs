using TrackerEvents.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TrackerEvents.Tests.Page;

/// <summary>The page's session: logging in and out, and being sent back to the login form when the session ends elsewhere.</summary>
public sealed class PageSessionTests(Chromium chromium) : IClassFixture<Chromium>
{
    [BrowserFact]
    public async Task AWrongPassword_IsToldOnTheLoginForm_AndKeepsNoSession()
    {
        await using var server = await DemoFleet.StartAsync();
        await using var page = await MonitoringPage.OpenAsync(chromium, server);

        await page.LogInAsync("demo", "not-the-password");

        await Expect(page.LoginMessage).ToHaveTextAsync("Wrong login or password.");
        await Expect(page.Page.Locator("#app-view")).ToBeHiddenAsync();
        (await page.HashAsync()).Should().BeNull();
        page.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task LoggingOutFromAnotherSession_SendsThePageBackToTheLoginForm()
    {
        await using var server = await DemoFleet.StartAsync();
        await using var page = await MonitoringPage.OpenAsync(chromium, server);
        await page.LogInAndWaitAsync();
        var hash = await page.HashAsync();

        (await server.CallAsync("user/logout", new { hash })).ShouldSucceed(); // the same session, from another client

        await Expect(page.LoginMessage).ToContainTextAsync("Your session was closed");
        await Expect(page.Page.Locator("#login-form")).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#app-view")).ToBeHiddenAsync();
        (await page.HashAsync()).Should().BeNull();
        page.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task ASessionThatEndedWhileAway_SendsTheReloadedPageToTheLoginForm()
    {
        await using var server = await DemoFleet.StartAsync();
        var ended = await server.LoginAsync("demo", "demo");
        (await server.CallAsync("user/logout", new { hash = ended })).ShouldSucceed();
        await using var page = await MonitoringPage.OpenAsync(chromium, server);

        await page.Page.EvaluateAsync("hash => { sessionStorage.setItem('trackerevents.hash', hash); sessionStorage.setItem('trackerevents.login', 'demo'); }", ended);
        await page.Page.ReloadAsync();

        await Expect(page.LoginMessage).ToHaveTextAsync("Your session has ended: please log in again.");
        await Expect(page.Page.Locator("#app-view")).ToBeHiddenAsync();
        page.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task TheLogOutButton_EndsTheSessionOnTheServer()
    {
        await using var server = await DemoFleet.StartAsync();
        await using var page = await MonitoringPage.OpenAsync(chromium, server);
        await page.LogInAndWaitAsync();
        var hash = await page.HashAsync();

        await page.Page.ClickAsync("#logout-button");

        await Expect(page.LoginMessage).ToHaveTextAsync("You have logged out.");
        await Eventually.Until(async () => (await server.CallAsync("tracker/list", new { hash })).Code == 4,
            TimeSpan.FromSeconds(5), "the page's session to be ended on the server");
        page.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task AfterAReload_TheTabKeepsItsSession()
    {
        await using var server = await DemoFleet.StartAsync();
        await using var page = await MonitoringPage.OpenAsync(chromium, server);
        await page.LogInAndWaitAsync();

        await page.Page.ReloadAsync();

        await Expect(page.Page.Locator("#connection-text")).ToHaveTextAsync("live", new() { Timeout = 15_000 });
        await Expect(page.Rows).ToHaveCountAsync(20);
        await Expect(page.Page.Locator("#user")).ToHaveTextAsync("demo");
        page.Errors.Should().BeEmpty();
    }
}

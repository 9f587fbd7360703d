using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace TrackerEvents.Tests.Infrastructure;

/// <summary>
/// The monitoring page of a running server, open in its own browser context at 1366×768, with every request
/// the page makes recorded (HTTP and WebSocket), as a user sees it: fields, rows, the map, the panel, the feed.
/// </summary>
internal sealed class MonitoringPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly ConcurrentQueue<string> _errors = new();

    private MonitoringPage(IBrowserContext context, IPage page, RunningServer server)
    {
        _context = context;
        Page = page;
        Server = server;
    }

    public IPage Page { get; }

    public RunningServer Server { get; }

    /// <summary>The URL of every request the page made, WebSockets included, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <param name="chromium">The browser.</param>
    /// <param name="server">The server.</param>
    /// <param name="address">Where the page is opened, when not straight at the server (a proxy in front of it).</param>
    /// <param name="browser">The window: 1366×768 in the light theme unless given (a phone, the dark theme).</param>
    public static async Task<MonitoringPage> OpenAsync(Chromium chromium, RunningServer server, Uri? address = null, BrowserNewContextOptions? browser = null)
    {
        var context = await chromium.Browser.NewContextAsync(browser ?? new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 768 } });
        var page = await context.NewPageAsync();
        var opened = new MonitoringPage(context, page, server);
        context.Request += (_, request) => opened.Requests.Enqueue(request.Url);
        page.WebSocket += (_, socket) => opened.Requests.Enqueue(socket.Url);
        page.PageError += (_, error) => opened._errors.Enqueue(error);
        await page.GotoAsync((address ?? server.BaseAddress).ToString());
        await Assertions.Expect(page.Locator("#login-form")).ToBeVisibleAsync();
        return opened;
    }

    /// <summary>Script errors the page raised; a test ends by checking there were none.</summary>
    public IReadOnlyCollection<string> Errors => _errors;

    public async Task LogInAsync(string login = "demo", string password = "demo")
    {
        await Page.FillAsync("#login", login);
        await Page.FillAsync("#password", password);
        await Page.ClickAsync("#login-button");
    }

    /// <summary>Logs in and waits until the fleet table shows its first rows over a live connection.</summary>
    public async Task LogInAndWaitAsync(string login = "demo", string password = "demo")
    {
        await LogInAsync(login, password);
        await Assertions.Expect(Page.Locator("#connection-text")).ToHaveTextAsync("live", new() { Timeout = 15_000 });
        await Assertions.Expect(Page.Locator(".row").First).ToBeVisibleAsync();
    }

    public ILocator Rows => Page.Locator(".row:not([hidden])");

    /// <summary>The table row of the tracker with exactly this label.</summary>
    public ILocator Row(string label) =>
        Page.Locator(".row").Filter(new() { Has = Page.Locator(".c-label", new() { HasTextRegex = new Regex("^" + Regex.Escape(label) + "$") }) });

    public ILocator Cell(string label, string column) => Row(label).Locator(".c-" + column);

    public ILocator LoginMessage => Page.Locator("#login-message");

    public ILocator Events(string kind) => Page.Locator($"#events li[data-kind={kind}]");

    /// <summary>The session hash the page keeps for its tab.</summary>
    public Task<string> HashAsync() => Page.EvaluateAsync<string>("sessionStorage.getItem('trackerevents.hash')");

    /// <summary>Clicks the map where a latitude and longitude are drawn.</summary>
    public async Task ClickMapAtAsync(double lat, double lng)
    {
        var point = await Page.EvaluateAsync<double[]>("([lat, lng]) => { const p = window.fleetMonitor.map.screenPoint(lat, lng); return [p.x, p.y]; }", new[] { lat, lng });
        var box = await Page.Locator("#map").BoundingBoxAsync() ?? throw new InvalidOperationException("the map is not shown");
        await Page.Mouse.ClickAsync((float)(box.X + point[0]), (float)(box.Y + point[1]));
    }

    /// <summary>Saves a screenshot when TRACKEREVENTS_SCREENSHOT names a file (the README's picture is taken so).</summary>
    public async Task ScreenshotIfAskedAsync()
    {
        if (Environment.GetEnvironmentVariable("TRACKEREVENTS_SCREENSHOT") is { Length: > 0 } path)
        {
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        }
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}

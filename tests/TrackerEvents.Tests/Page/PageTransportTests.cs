using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TrackerEvents.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TrackerEvents.Tests.Page;

/// <summary>The page when the WebSocket is refused, and with a tile server configured.</summary>
public sealed class PageTransportTests(Chromium chromium) : IClassFixture<Chromium>
{
    [BrowserFact]
    public async Task WithoutWebSocket_ThePageFallsBackToStreaming_AndStaysLive()
    {
        await using var server = await DemoFleet.StartAsync("Atmosphere:Transports=long-polling,streaming");
        var trackers = await DemoFleet.TrackersAsync(server);
        await using var page = await MonitoringPage.OpenAsync(chromium, server);

        await page.LogInAndWaitAsync();

        await Expect(page.Page.Locator("#transport")).ToHaveTextAsync("streaming");
        await Expect(page.Rows).ToHaveCountAsync(20);
        (await server.IngestStatesAsync(new { tracker_id = trackers["Demo vehicle 11"], gps = new { speed = 64 } })).ShouldSucceed();
        await Expect(page.Cell("Demo vehicle 11", "speed")).ToHaveTextAsync("64 km/h"); // live; how soon is PageLatencyTests'
        page.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task ADroppedConnection_ShowsReconnecting_ThenCatchesUp()
    {
        await using var server = await DemoFleet.StartAsync();
        var trackers = await DemoFleet.TrackersAsync(server);
        await using var proxy = new TcpProxy("127.0.0.1", server.BaseAddress.Port);
        await using var page = await MonitoringPage.OpenAsync(chromium, server, new Uri($"http://127.0.0.1:{proxy.Port}/"));
        await page.LogInAndWaitAsync();
        await Expect(page.Cell("Demo vehicle 09", "speed")).ToHaveTextAsync("0 km/h");

        proxy.Cut(); // every connection reset, new ones refused: the server is gone, as far as the page can tell
        await Expect(page.Page.Locator("#connection-text")).ToHaveTextAsync("reconnecting…", new() { Timeout = 10_000 });
        (await server.IngestStatesAsync(new { tracker_id = trackers["Demo vehicle 09"], gps = new { speed = 55 } })).ShouldSucceed();
        await Expect(page.Cell("Demo vehicle 09", "speed")).ToHaveTextAsync("0 km/h");
        proxy.Restore();

        await Expect(page.Page.Locator("#connection-text")).ToHaveTextAsync("live", new() { Timeout = 20_000 });
        await Expect(page.Cell("Demo vehicle 09", "speed")).ToHaveTextAsync("55 km/h", new() { Timeout = 5000 });
        await Expect(page.Events("session").First).ToContainTextAsync("Reconnected: catching up");
        page.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task WithATileServer_TheMapLoadsItsTiles_AndNothingElseLeavesTheOrigin()
    {
        await using var tiles = await TileServer.StartAsync();
        await using var server = await DemoFleet.StartAsync($"Page:TileUrl={tiles.Address}tiles/{{z}}/{{x}}/{{y}}.png", "Page:TileAttribution=Test tiles");
        await using var page = await MonitoringPage.OpenAsync(chromium, server);

        await page.LogInAndWaitAsync();

        await Expect(page.Page.Locator("#attribution")).ToHaveTextAsync("Test tiles");
        // The browser's request events reach the test after the tile server has answered: wait for both.
        await Eventually.Until(() => Task.FromResult(tiles.Served > 0 && page.Requests.Any(r => r.StartsWith(tiles.Address.ToString(), StringComparison.Ordinal))),
            TimeSpan.FromSeconds(10), "the map to load tiles, and the page's request events to show it");
        var origins = page.Requests.Select(r => new Uri(r).GetLeftPart(UriPartial.Authority).Replace("ws://", "http://", StringComparison.Ordinal)).ToHashSet();
        origins.Should().BeEquivalentTo([server.BaseAddress.GetLeftPart(UriPartial.Authority), tiles.Address.GetLeftPart(UriPartial.Authority)]);
        var zoom = await page.Page.EvaluateAsync<int>("Math.round(window.fleetMonitor.map.view.zoom)");
        zoom.Should().BeInRange(10, 14, "the map is fitted to the demo fleet around Amsterdam");
        page.Requests.Where(r => r.StartsWith(tiles.Address.ToString(), StringComparison.Ordinal))
            .Should().OnlyContain(r => r.Contains($"/tiles/{zoom}/", StringComparison.Ordinal), "only the tiles of the fitted view are fetched, not the world's first");
        page.Errors.Should().BeEmpty();
    }

    /// <summary>A tile server on another port (another origin), answering every tile with the same small PNG.</summary>
    private sealed class TileServer : IAsyncDisposable
    {
        private static readonly byte[] Png = Convert.FromBase64String(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

        private readonly WebApplication _app;
        private int _served;

        private TileServer(WebApplication app) => _app = app;

        public Uri Address { get; private set; } = null!;

        public int Served => Volatile.Read(ref _served);

        public static async Task<TileServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var server = new TileServer(app);
            app.MapGet("/tiles/{z:int}/{x:int}/{y:int}.png", () =>
            {
                Interlocked.Increment(ref server._served);
                return Results.File(Png, "image/png");
            });
            await app.StartAsync();
            server.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
            return server;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Page;

/// <summary>How the server serves the page: its files and headers, its configuration, and switching it off (bad <c>Page:*</c> settings: StartupTests).</summary>
public sealed class PageServingTests
{
    [Fact]
    public async Task Root_ServesThePage_KeptToItsOwnOrigin()
    {
        await using var server = await RunningServer.StartAsync();

        using var response = await server.Http.GetAsync("/");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        (await response.Content.ReadAsStringAsync()).Should().Contain("vendor/atmosphere.js/atmosphere.js").And.Contain("js/main.js");
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        policy.Should().Contain("default-src 'none'").And.Contain("connect-src 'self'").And.Contain("img-src 'self';");
        response.Headers.CacheControl!.NoCache.Should().BeTrue();
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        foreach (var file in new[] { "/app.css", "/js/main.js", "/vendor/atmosphere.js/LICENSE.txt", "/vendor/world-atlas/countries-50m.json" })
        {
            (await server.Http.GetAsync(file)).StatusCode.Should().Be(HttpStatusCode.OK, file);
        }
    }

    [Fact]
    public async Task Config_TellsThePageWhereTheApiIs_AndThatThereIsNoTileServer()
    {
        await using var server = await RunningServer.StartAsync("Api:BasePath=/navixy/v2");

        var config = await server.Http.GetFromJsonAsync<JsonElement>("/config.json");

        config.GetProperty("api").GetString().Should().Be("navixy/v2", "the page calls the API relative to itself");
        config.GetProperty("tile_url").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task ATileServer_IsTheOneOtherOriginThePageMayLoadImagesFrom()
    {
        await using var server = await RunningServer.StartAsync("Page:TileUrl=https://tiles.example.com:8443/osm/{z}/{x}/{y}.png", "Page:TileAttribution=© OpenStreetMap");

        using var response = await server.Http.GetAsync("/");
        var config = await server.Http.GetFromJsonAsync<JsonElement>("/config.json");

        response.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("img-src 'self' https://tiles.example.com:8443;")
            .And.Contain("connect-src 'self';");
        config.GetProperty("tile_url").GetString().Should().Be("https://tiles.example.com:8443/osm/{z}/{x}/{y}.png");
        config.GetProperty("tile_attribution").GetString().Should().Be("© OpenStreetMap");
    }

    [Fact]
    public async Task Disabled_ThePageIsNotServed_AndTheApiStillIs()
    {
        await using var server = await RunningServer.StartAsync("Page:Enabled=false");

        (await server.Http.GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await server.Http.GetAsync("/config.json")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await server.Http.GetAsync("/js/main.js")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await server.CallAsync("user/auth", new { login = "nobody", password = "x" })).ShouldFail(102);
    }
}
